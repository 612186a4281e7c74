"""Statistical detectors (lingua, langdetect), restricted to the languages that matter here.

Both are loaded lazily, once per process: the NLU component calls us on every message and must not
pay the load cost per call, and tests that never need statistics never load them.
Restricting the candidates matters: among 55-75 languages a short Spanish phrase often scores as
Portuguese, Welsh or Somali; among the languages our users actually write it rarely does.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from functools import lru_cache
from pathlib import Path

from bot.language.text import strip_accents

logger = logging.getLogger(__name__)

# English and Spanish, plus the languages most often confused with them or written by Chicago
# newcomers in Latin script. Other scripts are caught by bot.language.cues.letter_scripts.
CANDIDATES = ("en", "es", "pt", "fr", "it", "ca", "de", "pl", "ro", "tl")
# Word frequency lists: English, Spanish, and the neighbours a Spanish word is confused with.
WORD_LIST_LANGUAGES = ("en", "es", "pt", "fr", "it", "ca")
# wordfreq's "small" lists stop at a frequency of 1e-6: an absent word counts as 1e-7.
# Log frequencies are kept in tenths of a decade (0..70).
_STEPS_PER_DECADE = 10
_ABSENT_STEPS = 70
OTHER_LANGUAGES_MIN_LETTERS = 20
LANGDETECT_MIN_LETTERS = 40
_lock = threading.Lock()


@lru_cache(maxsize=4)
def lingua_detector(candidates: tuple[str, ...] = CANDIDATES, high_accuracy: bool = True):
    """A lingua detector for the candidate ISO 639-1 codes (built once; thread-safe)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in candidates]
    with _lock:
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        if not high_accuracy:
            builder = builder.with_low_accuracy_mode()
        return builder.with_preloaded_language_models().build()


def lingua_probabilities(
    text: str, candidates: tuple[str, ...] = CANDIDATES, high_accuracy: bool = True
) -> dict[str, float]:
    """Lingua's confidence per ISO code (sums to 1, or empty when it has nothing to go on)."""
    values = lingua_detector(candidates, high_accuracy).compute_language_confidence_values(text)
    return {v.language.iso_code_639_1.name.lower(): v.value for v in values if v.value > 0}


def statistical_probabilities(text: str, letters: int) -> dict[str, float]:
    """Probability per candidate language, from the detectors worth their cost at this length.

    English against Spanish always comes from lingua's precise (high-accuracy) models for those
    two languages. Whether the text is another language at all is asked only from 20 letters on,
    of lingua's light (low-accuracy) models, and from 40 letters on of langdetect too: on fewer
    letters both mistake Spanish for its neighbours more often than they find a real neighbour,
    and langdetect costs about 2 ms a call.
    """
    precise = lingua_probabilities(text, ("en", "es"), high_accuracy=True)
    if letters < OTHER_LANGUAGES_MIN_LETTERS or not precise:
        return precise
    light = lingua_probabilities(text, CANDIDATES, high_accuracy=False)
    if letters >= LANGDETECT_MIN_LETTERS:
        second = langdetect_probabilities(text)
        if second:
            codes = set(light) | set(second)
            light = {c: (light.get(c, 0.0) + second.get(c, 0.0)) / 2 for c in codes}
    english_or_spanish = light.get("en", 0.0) + light.get("es", 0.0)
    combined = {code: value for code, value in light.items() if code not in ("en", "es")}
    for code in ("en", "es"):
        combined[code] = precise.get(code, 0.0) * english_or_spanish
    return combined


@lru_cache(maxsize=4)
def langdetect_factory(candidates: tuple[str, ...] | None = CANDIDATES):
    """A seeded langdetect factory with only the candidate profiles (None: all 55 languages)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.utils.lang_profile import LangProfile

    factory = DetectorFactory()
    if candidates is None:
        factory.load_profile(PROFILES_DIRECTORY)
    else:
        for index, code in enumerate(candidates):
            data = json.loads(Path(PROFILES_DIRECTORY, code).read_text(encoding="utf-8"))
            factory.add_profile(LangProfile(**data), index, len(candidates))
    factory.set_seed(0)  # langdetect samples at random: a fixed seed makes it repeatable
    return factory


def langdetect_probabilities(
    text: str, candidates: tuple[str, ...] | None = CANDIDATES
) -> dict[str, float]:
    """langdetect's probability per code; empty for text without letters (it raises there)."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = langdetect_factory(candidates).create()
    detector.append(text)
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return {}
    return {item.lang.split("-")[0]: item.prob for item in found}


@lru_cache(maxsize=1)
def _packed_word_frequencies() -> dict[str, int]:
    """Accentless word -> its three log frequencies packed in one int (a third of the memory of
    tuples of floats: the table holds about 150,000 words)."""
    try:
        import wordfreq
    except ImportError:
        logger.warning("wordfreq is not installed: language detection runs without word lists")
        return {}
    columns: dict[str, dict[str, int]] = {}
    for language in WORD_LIST_LANGUAGES:
        column: dict[str, int] = {}
        for word, frequency in wordfreq.get_frequency_dict(language, wordlist="small").items():
            bare = strip_accents(word)
            steps = min(_ABSENT_STEPS, round(-math.log10(frequency) * _STEPS_PER_DECADE))
            column[bare] = min(column.get(bare, _ABSENT_STEPS), steps)
        columns[language] = column
    others = [columns[code] for code in WORD_LIST_LANGUAGES if code not in ("en", "es")]
    packed = {}
    for word in set().union(*columns.values()):
        english = columns["en"].get(word, _ABSENT_STEPS)
        spanish = columns["es"].get(word, _ABSENT_STEPS)
        other = min(column.get(word, _ABSENT_STEPS) for column in others)
        packed[word] = (english << 14) | (spanish << 7) | other
    # wordfreq caches every list it read; we keep only the packed table.
    wordfreq.get_frequency_dict.cache_clear()
    wordfreq.get_frequency_list.cache_clear()
    return packed


def word_frequencies(bare_word: str) -> tuple[float, float, float] | None:
    """log10 frequency of an accentless word: (English, Spanish, best other language), or None.

    From wordfreq's "small" lists (about 30,000 words per language), so the words our own
    lexicon does not list ("despidieron", "nieve", "warehouse") still count. Always None if
    wordfreq is missing: detection then keeps working on the other cues.
    """
    packed = _packed_word_frequencies().get(bare_word)
    if packed is None:
        return None
    return tuple(-((packed >> shift) & 0x7F) / _STEPS_PER_DECADE for shift in (14, 7, 0))  # type: ignore[return-value]
