"""How often a word occurs in English, Spanish and Spanish's neighbours (wordfreq's lists).

Our lexicon holds the words our users type; these lists cover the rest ("despidieron", "nieve",
"warehouse"). Two lookups, both built once per process in one pass over the lists:
- ``word_frequencies``: the word as typed, accents ignored ("telefono" finds "teléfono"; the
  spellings that read the same without accents add up: "esta" is "está" + "esta");
- ``dropped_letter_frequencies``: the word as it arrives when a keyboard, an SMS gateway or a
  broken encoding loses the accented letters altogether ("telfono", "seora", "informacin").
  Such a form is rarely a word of any language, so it points to the language whose word lost
  its letters; only words of 4+ letters are kept, so "ms" (más) or "aqu" (aquí) never count.
Both answer None when wordfreq is missing: detection then keeps working on the other cues.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache

from bot.textnorm import strip_accents
from bot.texts import LANGUAGES

logger = logging.getLogger(__name__)

# English, Spanish, and the neighbours a Spanish word is confused with.
WORD_LIST_LANGUAGES = ("en", "es", "pt", "fr", "it", "ca")
# wordfreq's "small" lists stop at a frequency of 1e-6: an absent word counts as 1e-7.
# Log frequencies are kept in tenths of a decade (0..70), three of them packed in one int.
_STEPS_PER_DECADE = 10
_ABSENT_STEPS = 70
MIN_DROPPED_LETTERS = 4

Frequencies = tuple[float, float, float]


def _steps(frequency: float) -> int:
    return min(_ABSENT_STEPS, round(-math.log10(frequency) * _STEPS_PER_DECADE))


def _pack(columns: dict[str, dict[str, int]]) -> dict[str, int]:
    """Word -> (English, Spanish, best other language) steps in one int (a third of the memory
    of a tuple of floats: the main table holds about 150,000 words)."""
    others = [columns[code] for code in WORD_LIST_LANGUAGES if code not in LANGUAGES]
    packed = {}
    for word in set().union(*columns.values()):
        english = columns["en"].get(word, _ABSENT_STEPS)
        spanish = columns["es"].get(word, _ABSENT_STEPS)
        other = min(column.get(word, _ABSENT_STEPS) for column in others)
        packed[word] = (english << 14) | (spanish << 7) | other
    return packed


def _unpack(packed: int) -> Frequencies:
    return tuple(-((packed >> shift) & 0x7F) / _STEPS_PER_DECADE for shift in (14, 7, 0))  # type: ignore[return-value]


def _add(column: dict[str, float], word: str, frequency: float) -> None:
    """Add a spelling's frequency to its form's (no new float unless two spellings meet)."""
    previous = column.get(word)
    column[word] = frequency if previous is None else previous + frequency


def dropped_form(word: str) -> str:
    """The word without its non-ASCII letters, as a lossy channel delivers it ("señora" ->
    "seora")."""
    return "".join(ch for ch in word if ch.isascii())


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, int], dict[str, int]]:
    """(accentless word -> packed frequencies, dropped-letter form -> packed frequencies)."""
    try:
        import wordfreq
    except ImportError:
        logger.warning("wordfreq is not installed: language detection runs without word lists")
        return {}, {}
    columns: dict[str, dict[str, int]] = {}
    dropped_columns: dict[str, dict[str, int]] = {}
    for language in WORD_LIST_LANGUAGES:
        # Spellings that read the same without accents add up ("está" + "esta", "sí" + "si"):
        # someone who skips accents writes all of them the same way.
        column: dict[str, float] = {}
        dropped: dict[str, float] = {}
        for word, frequency in wordfreq.get_frequency_dict(language, wordlist="small").items():
            if word.isascii():
                _add(column, word, frequency)
                continue
            _add(column, strip_accents(word), frequency)
            lost = dropped_form(word)
            if word.isalpha() and len(lost) >= MIN_DROPPED_LETTERS:
                _add(dropped, lost, frequency)
        columns[language] = {word: _steps(f) for word, f in column.items()}
        dropped_columns[language] = {word: _steps(f) for word, f in dropped.items()}
        # wordfreq caches every list it read; we keep only the packed tables.
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()
    return _pack(columns), _pack(dropped_columns)


def word_frequencies(bare_word: str) -> Frequencies | None:
    """log10 frequency of an accentless word: (English, Spanish, best other language), or None.

    From wordfreq's "small" lists (about 30,000 words per language).
    """
    packed = _tables()[0].get(bare_word)
    return None if packed is None else _unpack(packed)


def dropped_letter_frequencies(word: str) -> Frequencies | None:
    """Like ``word_frequencies``, for words whose accented letters may have been lost: the
    frequencies of the words that read like ``word`` once those letters are gone.

    Meant for words no list knows as typed: "telfono" -> teléfono (Spanish), "informao" ->
    informação (Portuguese).
    """
    packed = _tables()[1].get(word)
    return None if packed is None else _unpack(packed)
