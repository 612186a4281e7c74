"""Lookup keys for place names, built on the shared length-preserving ``normalize``."""

from __future__ import annotations

import re

from bot.textnorm import normalize

_DROPPED = re.compile(r"['\u2019\u2018.]")
# USPS abbreviations used in the ZIP data's accepted town names ("Arlington Hts").
_ABBREVIATIONS = {
    "hts": "heights", "hei": "heights", "mt": "mount", "pk": "park", "vlg": "village",
    "est": "estates", "spgs": "springs", "sprgs": "springs", "mdws": "meadows",
    "flds": "fields", "hls": "hills", "clb": "club", "cntry": "country", "ctry": "country",
    "n": "north", "s": "south", "e": "east", "w": "west", "hlds": "highlands", "ind": "indian",
    "lk": "lake", "pt": "port", "rv": "river", "vly": "valley", "gn": "gardens",
}  # fmt: skip
_SEPARATORS = re.compile(r"[\s\-\u2013\u2014_/,;:()\"]+")


def place_key(text: str) -> str:
    """A dictionary key for a place name: folded, apostrophes and dots dropped, spaces collapsed.

    "O'Hare", "ohare" and "O’HARE" share a key, as do "Belmont-Cragin" and "belmont cragin".
    Not length-preserving: for lookups only, never for character offsets.
    """
    folded = _DROPPED.sub("", normalize(text))
    return _SEPARATORS.sub(" ", folded).strip()


def expand_abbreviations(key: str) -> str:
    """Spell out USPS abbreviations in a place key: 'mt prospect' -> 'mount prospect'."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in key.split())
