"""Reference numbers a person can read out on the phone: ``AJC-7K3Q-M2``.

Five random characters and one check character (Luhn mod N), so staff can tell a mistyped
reference from an unknown one. The alphabet has no 0/O, 1/I/L and no vowels, so nothing is
confusable when spoken or handwritten and no word (in English or Spanish) can appear.
Nothing in it comes from the person: it carries no personal data.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
PREFIX = "AJC"
RANDOM_LENGTH = 5


def _luhn_sum(chars: str, start_factor: int) -> int:
    total, factor, base = 0, start_factor, len(ALPHABET)
    for char in reversed(chars):
        addend = factor * ALPHABET.index(char)
        total += addend // base + addend % base
        factor = 1 if factor == 2 else 2
    return total


def check_character(body: str) -> str:
    """The Luhn mod N check character for ``body``; catches any single typo and most swaps."""
    base = len(ALPHABET)
    return ALPHABET[(base - _luhn_sum(body, 2) % base) % base]


def _format(code: str) -> str:
    return f"{PREFIX}-{code[:4]}-{code[4:]}"


def new_reference() -> str:
    """A fresh random reference; uniqueness is enforced by the store, which retries on a clash."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return _format(body + check_character(body))


def normalize_reference(text: str) -> str | None:
    """The canonical form of a reference as typed by staff ("ajc 7k3q m2"), or None if invalid."""
    code = "".join(ch for ch in text.upper() if ch.isalnum())
    if code.startswith(PREFIX):
        code = code[len(PREFIX) :]
    if len(code) != RANDOM_LENGTH + 1 or any(ch not in ALPHABET for ch in code):
        return None
    if _luhn_sum(code, 1) % len(ALPHABET) != 0:
        return None
    return _format(code)
