"""Text clean-up shared by the language cues: what a chat message contains besides words.

Numbers, ZIP codes, URLs, e-mail addresses, phone numbers and emoji say nothing about the
language, so they are removed before any cue looks at the message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.textnorm import strip_accents

_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|net|gov|edu|us|io|info)\b\S*", re.IGNORECASE
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
# A word: letters with optional inner apostrophes ("don't", "l'emploi"); digits never belong.
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@dataclass(frozen=True)
class Token:
    """One word of the message, with the forms the lexicon is looked up by."""

    original: str  # as typed (case kept: a capitalised unknown word may be a name)
    lower: str  # casefolded, accents kept
    bare: str  # casefolded, accents removed ("está" -> "esta", "mañana" -> "manana")


def clean(text: str) -> str:
    """NFC text with unified apostrophes and without URLs or e-mail addresses."""
    text = unicodedata.normalize("NFC", text or "").translate(_APOSTROPHES)
    return _EMAIL.sub(" ", _URL.sub(" ", text))


def tokens(cleaned: str) -> list[Token]:
    """The words of an already cleaned message."""
    found = []
    for match in _WORD.finditer(cleaned):
        word = match.group(0).strip("'")
        lower = word.casefold()
        found.append(Token(word, lower, strip_accents(lower)))
    return found


def script_of(char: str) -> str:
    """The Unicode script family of a letter ("LATIN", "CYRILLIC", "CJK", ...)."""
    try:
        name = unicodedata.name(char)
    except ValueError:
        return "UNKNOWN"
    first = name.split(" ", 1)[0]
    if first in {"HIRAGANA", "KATAKANA"}:
        return "CJK"
    return first
