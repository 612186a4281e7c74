"""Statistical detectors (lingua, langdetect), restricted to the languages that matter here.

Both are loaded lazily, once per process: the NLU component calls us on every message and must not
pay the load cost per call, and tests that never need statistics never load them.
Restricting the candidates matters: among 55-75 languages a short Spanish phrase often scores as
Portuguese, Welsh or Somali; among the languages our users actually write it rarely does.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path

from bot.texts import LANGUAGES

# English and Spanish, plus the languages most often confused with them or written by Chicago
# newcomers in Latin script. Other scripts are caught by bot.language.cues.letter_scripts.
CANDIDATES = ("en", "es", "pt", "fr", "it", "ca", "de", "pl", "ro", "tl")
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
    precise = lingua_probabilities(text, LANGUAGES, high_accuracy=True)
    if letters < OTHER_LANGUAGES_MIN_LETTERS or not precise:
        return precise
    light = lingua_probabilities(text, CANDIDATES, high_accuracy=False)
    if letters >= LANGDETECT_MIN_LETTERS:
        second = langdetect_probabilities(text)
        if second:
            codes = set(light) | set(second)
            light = {c: (light.get(c, 0.0) + second.get(c, 0.0)) / 2 for c in codes}
    english_or_spanish = light.get("en", 0.0) + light.get("es", 0.0)
    combined = {code: value for code, value in light.items() if code not in LANGUAGES}
    for code in LANGUAGES:
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
