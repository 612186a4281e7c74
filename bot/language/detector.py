"""One decision per message: English, Spanish, another language, or unsure.

Cues are combined as evidence per class ("en", "es", "other"):
- script: letters of a non-Latin script (Cyrillic, Chinese, Arabic...) settle "other" at once;
- lexicon: words our users type (content/language/lexicon.yml), decisive on 1-4 word messages;
- chars: "ñ ¿ ¡" for Spanish, "ã ç à è" and elisions for Portuguese/French/Italian/Catalan;
- lingua: n-gram statistics among a few candidate languages, weighted by how much unexplained
  text there is, with a prior for English and Spanish (the people who write to us);
- langdetect: a second statistical opinion on long messages only (it costs ~2 ms a call).
The confidence grows with the margin between the best class and the runner-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from bot.language import models
from bot.language.cues import character_evidence, letter_scripts
from bot.language.lexicon import CLASSES, Lexicon, load
from bot.language.text import Token, clean, tokens

Language = Literal["en", "es", "other"]

# Prior weight of each language lingua considers: people write to a Chicago job center in
# English or Spanish; another language must show clear statistical evidence to win.
PRIORS = {"en": 1.0, "es": 1.0}
OTHER_PRIOR = 0.05
# Statistical evidence per letter of words the lexicon does not know, and per known letter.
UNKNOWN_LETTER_WEIGHT = 0.07
KNOWN_LETTER_WEIGHT = 0.02
MAX_STATISTICAL_WEIGHT = 4.0
LANGDETECT_MIN_LETTERS = 40
SCRIPT_CONFIDENCE = 0.97
MIN_EVIDENCE = 0.15
MIN_MARGIN = 0.08
MARGIN_SCALE = 0.6


@dataclass(frozen=True)
class Detection:
    """The language of one message, how sure we are (0..1), and the cue that decided it."""

    language: Literal["en", "es", "other", "unsure"]
    confidence: float
    reason: str


UNSURE_NO_LETTERS = Detection("unsure", 0.0, "no-letters")


def confidence_from_margin(margin: float) -> float:
    """0.5 at no margin, ~0.82 at one strong lexicon word, towards 1 with more evidence."""
    return round(0.5 + 0.5 * (1.0 - math.exp(-max(margin, 0.0) / MARGIN_SCALE)), 3)


def _neutral_mask(words: list[Token], lexicon: Lexicon) -> list[bool]:
    """Which words are names, places or shared words (single or multi-word) that never count."""
    mask = [lexicon.is_neutral(w.lower, w.bare) for w in words]
    if lexicon.neutral_phrases is None or len(words) < 2:
        return mask
    starts, joined = [], []
    position = 0
    for word in words:
        starts.append(position)
        joined.append(word.bare)
        position += len(word.bare) + 1
    for match in lexicon.neutral_phrases.finditer(" ".join(joined)):
        for index, start in enumerate(starts):
            if match.start() <= start < match.end():
                mask[index] = True
    return mask


def _looks_like_names(words: list[Token]) -> bool:
    """A few capitalised words no list knows ("Humboldt", "Yulimar Pérez") are probably names."""
    return 0 < len(words) <= 3 and all(
        w.original[:1].isupper() and not (len(w.original) > 1 and w.original.isupper())
        for w in words
    )


def _statistical(text: str, letters: int) -> dict[str, float]:
    """Class probabilities from lingua (and langdetect on long text), with the priors applied."""
    per_language = models.lingua_probabilities(text)
    if letters >= LANGDETECT_MIN_LETTERS:
        second = models.langdetect_probabilities(text)
        if second:
            codes = set(per_language) | set(second)
            per_language = {c: (per_language.get(c, 0.0) + second.get(c, 0.0)) / 2 for c in codes}
    scores = {"en": 0.0, "es": 0.0, "other": 0.0}
    for code, value in per_language.items():
        if code in PRIORS:
            scores[code] += value * PRIORS[code]
        else:
            scores["other"] += value * OTHER_PRIOR
    total = sum(scores.values())
    return {c: v / total for c, v in scores.items()} if total > 0 else {}


def detect(text: str) -> Detection:
    """The language of one chat message; "unsure" when the message cannot tell."""
    cleaned = clean(text)
    latin, non_latin = letter_scripts(cleaned)
    if latin + non_latin == 0:
        return UNSURE_NO_LETTERS
    if non_latin >= latin:
        return Detection("other", SCRIPT_CONFIDENCE, "script")

    lexicon = load()
    words = tokens(cleaned)
    neutral = _neutral_mask(words, lexicon)
    counted = [w for w, is_neutral in zip(words, neutral, strict=True) if not is_neutral]
    if not counted:
        return Detection("unsure", 0.0, "neutral")
    if all(lexicon.is_short_reply(w.lower, w.bare) for w in counted):
        return Detection("unsure", 0.0, "short-reply")

    evidence = {"lexicon": dict.fromkeys(CLASSES, 0.0)}
    known_letters = unknown_letters = 0
    unknown: list[Token] = []
    for word in counted:
        entry = lexicon.lookup(word.lower, word.bare)
        if entry is None:
            unknown.append(word)
            unknown_letters += len(word.bare)
            continue
        known_letters += len(word.bare)
        for cls, weight in entry.weights:
            evidence["lexicon"][cls] += weight
    if not any(evidence["lexicon"].values()) and _looks_like_names(unknown):
        return Detection("unsure", 0.0, "name")

    evidence["chars"] = character_evidence(cleaned)
    weight = min(
        MAX_STATISTICAL_WEIGHT,
        UNKNOWN_LETTER_WEIGHT * unknown_letters + KNOWN_LETTER_WEIGHT * known_letters,
    )
    if weight > 0:
        probabilities = _statistical(" ".join(w.lower for w in counted), latin)
        evidence["statistics"] = {c: weight * probabilities.get(c, 0.0) for c in CLASSES}

    totals = {c: sum(source[c] for source in evidence.values()) for c in CLASSES}
    ranked = sorted(CLASSES, key=lambda c: totals[c], reverse=True)
    best, runner_up = ranked[0], ranked[1]
    margin = totals[best] - totals[runner_up]
    if totals[best] < MIN_EVIDENCE or margin < MIN_MARGIN:
        return Detection("unsure", confidence_from_margin(margin), "ambiguous")
    reason = max(evidence, key=lambda source: evidence[source][best])
    if reason == "statistics":
        reason = "lingua"
    return Detection(best, confidence_from_margin(margin), reason)
