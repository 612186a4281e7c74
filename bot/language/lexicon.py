"""The staff-editable word lists in ``content/language/lexicon.yml``, ready for fast lookup.

Statistical detectors cannot tell "hola" from Welsh or "help" from Dutch: four letters are too
little evidence. A word list of what our users actually type is reliable for short messages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot import content
from bot.textnorm import strip_accents
from bot.texts import Language

STRONG = 1.0
WEAK = 0.4
# What the conversation's ``language`` slot may hold: a language we speak, or "other".
SlotLanguage = Language | Literal["other"]
CLASSES: tuple[str, ...] = ("en", "es", "other")


@dataclass(frozen=True)
class Entry:
    """What one word is evidence for: weight per class ("en", "es", "other")."""

    weights: tuple[tuple[str, float], ...]


@dataclass
class Lexicon:
    """Lookup tables built from the YAML; ``exact`` wins over ``bare`` (accentless) matches."""

    exact: dict[str, Entry] = field(default_factory=dict)
    bare: dict[str, Entry] = field(default_factory=dict)
    neutral_words: frozenset[str] = frozenset()
    neutral_phrases: re.Pattern[str] | None = None
    short_replies: frozenset[str] = frozenset()
    short_reply_languages: dict[str, str] = field(default_factory=dict)

    def lookup(self, lower: str, bare: str) -> Entry | None:
        """The entry for a word as typed, else for its accentless form."""
        return self.exact.get(lower) or self.bare.get(bare)

    def is_neutral(self, lower: str, bare: str) -> bool:
        return lower in self.neutral_words or bare in self.neutral_words

    def is_short_reply(self, lower: str, bare: str) -> bool:
        return lower in self.short_replies or bare in self.short_replies

    def short_reply_language(self, lower: str, bare: str) -> str | None:
        """The language a short reply belongs to ("sí": es), None for shared ones ("ok")."""
        return self.short_reply_languages.get(lower) or self.short_reply_languages.get(bare)


def _words(values: object, section: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"lexicon section {section!r} must be a list of words")
    return [v.strip().casefold() for v in values if v.strip()]


def build(data: dict) -> Lexicon:
    """Turn the YAML mapping into lookup tables.

    A word listed for several classes counts for each of them, so a word shared by English and
    Spanish adds the same to both and cannot decide. A weak listing overrides a strong one.
    """
    weights: dict[str, dict[str, float]] = defaultdict(dict)
    for cls, strong_key, weak_key in (("en", "en", "en_weak"), ("es", "es", "es_weak")):
        for word in _words(data.get(strong_key, []), strong_key):
            weights[word][cls] = STRONG
        for word in _words(data.get(weak_key, []), weak_key):
            weights[word][cls] = WEAK
    for word in _words(data.get("es_shared", []), "es_shared"):
        weights[word].setdefault("es", STRONG)
        weights[word]["other"] = STRONG
    for code, words in (data.get("other") or {}).items():
        for word in _words(words, f"other.{code}"):
            weights[word]["other"] = STRONG

    neutral = _words(data.get("neutral", []), "neutral")
    neutral_words = frozenset(w for w in neutral if " " not in w)
    phrases = sorted((w for w in neutral if " " in w), key=len, reverse=True)
    for word in neutral_words:
        weights.pop(word, None)

    exact = {word: Entry(tuple(sorted(w.items()))) for word, w in weights.items()}
    # An accented word is also found without its accents, unless that bare form is a different
    # listed word ("à" must not match the English/Spanish "a", nor "nós" the Spanish "nos").
    bare: dict[str, Entry] = {}
    for word, entry in exact.items():
        plain = strip_accents(word)
        if plain == word or plain not in exact:
            if plain in bare and plain != word:
                continue
            bare[plain] = entry
    for word in list(neutral_words):
        bare.pop(strip_accents(word), None)

    pattern = None
    if phrases:
        alternatives = "|".join(re.escape(strip_accents(p)) for p in phrases)
        pattern = re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])")
    short = set(_words(data.get("short_replies", []), "short_replies"))
    leaning: dict[str, str] = {}
    for language in ("en", "es"):
        section = f"short_replies_{language}"
        for word in _words(data.get(section, []), section):
            leaning.setdefault(word, language)
            leaning.setdefault(strip_accents(word), language)
    short |= set(leaning)
    neutral_all = neutral_words | {strip_accents(w) for w in neutral_words}
    return Lexicon(
        exact,
        bare,
        neutral_all,
        pattern,
        frozenset(short | {strip_accents(w) for w in short}),
        leaning,
    )


@content.cached
def load(path: Path = content.LEXICON) -> Lexicon:
    """The lexicon from disk, built once per process.

    Read with every word a string: plain YAML would turn "no", "yes" or "on" into booleans.
    """
    return build(content.read(path, strings=True))
