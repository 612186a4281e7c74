"""What the form accepts as a phone, e-mail, ZIP or area and name, and the clean value kept."""

from __future__ import annotations

import pytest

from bot.referrals import validate_email, validate_name, validate_phone, validate_zip_or_area


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(312) 603-7066", "+13126037066"),
        ("312-603-7066", "+13126037066"),
        ("312.603.7066", "+13126037066"),
        ("3126037066", "+13126037066"),
        ("+1 312 603 7066", "+13126037066"),
        ("1-312-603-7066", "+13126037066"),
        ("mi cel es 312 603 7066", "+13126037066"),
        ("my number is (773) 555-0147, thanks", "+17735550147"),
        ("603-7066", None),
        ("012-603-7066", None),
        ("112-603-7066", None),
        ("312-103-7066", None),
        ("911-555-1234", None),
        ("312-603-70666", None),
        ("+52 55 1234 5678", None),
        ("312-603-7066 o 773-555-0147", None),
        ("no tengo telefono", None),
        ("", None),
    ],
)
def test_phone_validation(text: str, expected: str | None) -> None:
    assert validate_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana@example.org", "ana@example.org"),
        ("Ana.Perez+ajc@Example.ORG", "Ana.Perez+ajc@example.org"),
        ("mi correo es ana_p@correo.example.com.", "ana_p@correo.example.com"),
        ("ana@example", None),
        ("ana example.org", None),
        ("ana@@example.org", None),
        (".ana@example.org", None),
        ("ana@-example.org", None),
        ("ana@example.org y luis@example.org", None),
    ],
)
def test_email_validation(text: str, expected: str | None) -> None:
    assert validate_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60608", "60608"),
        ("vivo en el 60623", "60623"),
        ("60608-1234", "60608"),
        ("Cicero", "Cicero"),
        ("  south   side ", "south side"),
        ("312-603-7066", None),
        ("12", None),
        ("", None),
    ],
)
def test_zip_or_area_validation(text: str, expected: str | None) -> None:
    assert validate_zip_or_area(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("me llamo Ana", "Ana"),
        ("My name is John Smith.", "John Smith"),
        ("José Hernández", "José Hernández"),
        ("ana@example.org", None),
        ("312 603 7066", None),
    ],
)
def test_name_validation(text: str, expected: str | None) -> None:
    assert validate_name(text) == expected
