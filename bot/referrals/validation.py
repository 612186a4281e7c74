"""What a referral form may accept, and the clean value it keeps.

Each validator takes what the person typed (a whole message is fine) and returns the normalised
value, or None so the form can ask again. None of them echo the input in errors or logs.
"""

from __future__ import annotations

import re

from bot.referrals.fields import MAX_LENGTH

NAME_MAX = MAX_LENGTH["name"]
AREA_MAX = MAX_LENGTH["zip_or_area"]
EMAIL_MAX = MAX_LENGTH["email"]

_PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d\s().\-]*\d")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])"
    r"([A-Za-z0-9._%+\-]{1,64})@((?:[A-Za-z0-9\-]{1,63}\.)+[A-Za-z]{2,24})"
    r"(?![A-Za-z0-9\-@])"
)
_ZIP = re.compile(r"(?<![\d\-])(\d{5})(?:-\d{4})?(?![\d\-])")
_NAME_LEADS = re.compile(
    r"^(?:my name is|my name's|i am|i'm|this is|me llamo|mi nombre es|soy)\s+", re.IGNORECASE
)


def clean_text(text: str | None, max_length: int) -> str | None:
    """Collapse whitespace; empty or longer than ``max_length`` gives None."""
    if text is None:
        return None
    cleaned = " ".join(str(text).split())
    if not cleaned or len(cleaned) > max_length:
        return None
    return cleaned


def validate_phone(text: str | None) -> str | None:
    """A US phone number as +1XXXXXXXXXX, found in free text such as "mi cel es (312) 603-7066".

    Accepts 10 digits with an optional +1/1 and common punctuation. Rejects what cannot be dialled
    in the North American plan: area code or exchange starting with 0 or 1, N11 service codes as
    area codes, too few or too many digits, or two different numbers in one message.
    """
    if not text:
        return None
    numbers = set()
    for match in _PHONE_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) >= 7:
            numbers.add(digits)
    if len(numbers) != 1:
        return None
    digits = numbers.pop()
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return None
    area, exchange = digits[:3], digits[3:6]
    if area[0] in "01" or exchange[0] in "01" or area[1:] == "11":
        return None
    return "+1" + digits


def validate_email(text: str | None) -> str | None:
    """One e-mail address found in the text, with its domain lower-cased; None if zero or two."""
    if not text:
        return None
    found = {(m.group(1), m.group(2).lower()) for m in _EMAIL.finditer(text)}
    if len(found) != 1:
        return None
    local, domain = found.pop()
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    if any(label.startswith("-") or label.endswith("-") for label in domain.split(".")):
        return None
    address = f"{local}@{domain}"
    return address if len(address) <= EMAIL_MAX else None


def validate_zip_or_area(text: str | None) -> str | None:
    """A 5-digit ZIP if the text has exactly one, else a short place description ("Cicero").

    Whether the ZIP is in Cook County is bot/directory's job; this only keeps a usable value.
    Text that looks like contact data (an @ or a long number) is refused so it is not stored here.
    """
    if not text:
        return None
    zips = {m.group(1) for m in _ZIP.finditer(text)}
    if len(zips) == 1:
        return zips.pop()
    area = clean_text(text, AREA_MAX)
    if area is None or "@" in area or len(re.sub(r"\D", "", area)) >= 7:
        return None
    if not any(ch.isalpha() for ch in area) or len(area) < 2:
        return None
    return area


def validate_name(text: str | None) -> str | None:
    """The name to ask for on the call; drops "me llamo"/"my name is"; no digits or @."""
    name = clean_text(text, NAME_MAX + 20)
    if name is None:
        return None
    name = _NAME_LEADS.sub("", name).strip(" .,!")
    if not name or len(name) > NAME_MAX or "@" in name or any(ch.isdigit() for ch in name):
        return None
    return name if any(ch.isalpha() for ch in name) else None
