"""Text normalisation shared by the place gazetteer, the directory and language cues.

People type "Pílsen", "PILSEN" and "pilsen" for the same place. ``normalize`` folds case and
accents but keeps the string length, so a match found in the normalised text has the same
character offsets in the original message.
"""

from __future__ import annotations

import unicodedata


def _fold(char: str) -> str:
    lowered = char.lower()
    if len(lowered) != 1:
        return char
    base = unicodedata.normalize("NFD", lowered)[0]
    return base if len(base) == 1 else lowered


def normalize(text: str) -> str:
    """Lowercase ``text`` and strip accents ('Ñ' -> 'n'), one character per character."""
    return "".join(_fold(char) for char in text)
