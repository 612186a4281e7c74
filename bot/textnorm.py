"""Text normalisation, one function per job, shared by the NLU, the directory, the knowledge
answers and the language cues.

People type "Pílsen", "PILSEN" and "pilsen" for the same place, "almacen" for "Almacén".
- ``fold``: lowercase without accents, one character per character, so a match found in the
  folded text has the same offsets in the original message (tokens, entities).
- ``fold_words``: folded words only, punctuation as spaces, for comparing phrases.
- ``strip_accents``: accents removed, case kept ("inglés" -> "ingles").
- ``place_key`` and ``expand_abbreviations``: lookup keys for place names.
"""

from __future__ import annotations

import re
import unicodedata

_DROPPED_IN_PLACES = re.compile(r"['\u2019\u2018.]")
_PLACE_SEPARATORS = re.compile(r"[\s\-\u2013\u2014_/,;:()\"]+")
# USPS abbreviations used in the ZIP data's accepted town names ("Arlington Hts").
_ABBREVIATIONS = {
    "hts": "heights", "hei": "heights", "mt": "mount", "pk": "park", "vlg": "village",
    "est": "estates", "spgs": "springs", "sprgs": "springs", "mdws": "meadows",
    "flds": "fields", "hls": "hills", "clb": "club", "cntry": "country", "ctry": "country",
    "n": "north", "s": "south", "e": "east", "w": "west", "hlds": "highlands", "ind": "indian",
    "lk": "lake", "pt": "port", "rv": "river", "vly": "valley", "gn": "gardens",
}  # fmt: skip


def _fold_char(char: str) -> str:
    lowered = char.lower()
    if len(lowered) != 1:
        return char
    base = unicodedata.normalize("NFD", lowered)[0]
    return base if len(base) == 1 else lowered


def fold(text: str) -> str:
    """Lowercase ``text`` and strip accents ('Ñ' -> 'n'), one character per character."""
    return "".join(_fold_char(char) for char in text)


def fold_words(text: str) -> str:
    """Lower case (casefolded), no accents, punctuation as spaces, single spaces.

    Not length-preserving (compatibility forms are expanded: 'ﬁ' -> 'fi'): for comparing
    words and phrases, never for character offsets.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def strip_accents(text: str) -> str:
    """Remove diacritics so "inglés" and "ingles" look the same (people often skip accents)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )


def place_key(text: str) -> str:
    """A dictionary key for a place name: folded, apostrophes and dots dropped, spaces collapsed.

    "O'Hare", "ohare" and "O’HARE" share a key, as do "Belmont-Cragin" and "belmont cragin".
    Not length-preserving: for lookups only, never for character offsets.
    """
    folded = _DROPPED_IN_PLACES.sub("", fold(text))
    return _PLACE_SEPARATORS.sub(" ", folded).strip()


def expand_abbreviations(key: str) -> str:
    """Spell out USPS abbreviations in a place key: 'mt prospect' -> 'mount prospect'."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in key.split())
