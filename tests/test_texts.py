"""Every text the actions send exists in English and Spanish and asks for the same values."""

from __future__ import annotations

import pytest

from bot.texts import LANGUAGES, catalog, placeholders, render

KEYS = sorted(set().union(*(catalog(language) for language in LANGUAGES)))


def test_catalogs_are_not_empty() -> None:
    assert len(KEYS) > 10


@pytest.mark.parametrize("key", KEYS)
def test_key_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    english, spanish = catalog("en").get(key), catalog("es").get(key)
    assert english and english.strip(), f"{key} is missing or empty in English"
    assert spanish and spanish.strip(), f"{key} is missing or empty in Spanish"
    assert placeholders(english) == placeholders(spanish)


@pytest.mark.parametrize("key", KEYS)
def test_key_renders_differently_in_each_language(key: str) -> None:
    values = {name: "X" for name in placeholders(catalog("en")[key])}
    english, spanish = render(key, "en", **values), render(key, "es", **values)
    assert english.strip() and spanish.strip()
    if len(english) > 12:
        assert english != spanish, f"{key} looks untranslated"


def test_unknown_and_other_languages_fall_back_to_english() -> None:
    key = KEYS[0]
    values = {name: "X" for name in placeholders(catalog("en")[key])}
    assert (
        render(key, "other", **values) == render(key, None, **values) == render(key, "en", **values)
    )
