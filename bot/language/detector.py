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
from bot.language.cues import character_evidence, ending_evidence, letter_scripts
from bot.language.lexicon import CLASSES, Lexicon, load
from bot.language.text import Token, clean, tokens

Language = Literal["en", "es", "other"]

# Prior weight of each language lingua considers: people write to a Chicago job center in
# English or Spanish; another language must show clear statistical evidence to win.
# The prior fades with length: one or two words are ambiguous among Romance languages, while
# in a sentence lingua's own evidence is reliable. Index = number of words (capped).
PRIORS = {"en": 1.0, "es": 1.0}
OTHER_PRIOR_BY_WORDS = (0.05, 0.05, 0.15, 0.45, 1.0)
# Statistical evidence per letter of words the lexicon does not know, and per known letter.
UNKNOWN_LETTER_WEIGHT = 0.07
KNOWN_LETTER_WEIGHT = 0.02
MAX_STATISTICAL_WEIGHT = 4.0
# Word-frequency evidence per unknown word: full weight once one language uses the word 100x more
# often than the others; another language must be 10x more frequent than Spanish or English.
WORD_WEIGHT = 1.0
WORD_FULL_MARGIN = 2.0
OTHER_WORD_PENALTY = 1.0
SCRIPT_CONFIDENCE = 0.97
NAME_CONFIDENCE_CAP = 0.6
ONE_UNKNOWN_WORD_CAP = 0.75
MIN_EVIDENCE = 0.05
MIN_MARGIN = 0.01
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


def _word_list_evidence(unknown: list[Token]) -> dict[str, float]:
    """Evidence from how often each unknown word occurs in English, Spanish and other languages."""
    found = dict.fromkeys(CLASSES, 0.0)
    for word in unknown:
        frequencies = models.word_frequencies(word.bare)
        if frequencies is None:
            continue
        scores = dict(zip(CLASSES, frequencies, strict=True))
        scores["other"] -= OTHER_WORD_PENALTY
        ranked = sorted(CLASSES, key=scores.__getitem__, reverse=True)
        margin = scores[ranked[0]] - scores[ranked[1]]
        found[ranked[0]] += WORD_WEIGHT * min(margin, WORD_FULL_MARGIN) / WORD_FULL_MARGIN
    return found


def _statistical(text: str, letters: int, words: int) -> dict[str, float]:
    """Class probabilities from lingua (and langdetect on long text), with the priors applied."""
    per_language = models.statistical_probabilities(text, letters)
    # "other" is the best single other language, not their sum: ten candidates each taking a
    # little of an unclear phrase must not outvote Spanish.
    other_prior = OTHER_PRIOR_BY_WORDS[min(words, len(OTHER_PRIOR_BY_WORDS) - 1)]
    scores = {
        "en": per_language.get("en", 0.0) * PRIORS["en"],
        "es": per_language.get("es", 0.0) * PRIORS["es"],
        "other": other_prior
        * max((v for c, v in per_language.items() if c not in PRIORS), default=0.0),
    }
    total = sum(scores.values())
    return {c: v / total for c, v in scores.items()} if total > 0 else {}


def detect(text: str) -> Detection:
    """The language of one chat message; "unsure" when the message cannot tell."""
    return _detect(text, statistics=True)


def detect_cues_only(text: str) -> Detection:
    """What script, word list and characters say without any statistics (for the benchmark)."""
    return _detect(text, statistics=False)


def evidence(text: str, statistics: bool = True) -> Detection | dict[str, dict[str, float]]:
    """Evidence per cue and class, or the final Detection when the message settles early."""
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

    found = {"lexicon": dict.fromkeys(CLASSES, 0.0)}
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
            found["lexicon"][cls] += weight
    found["chars"] = character_evidence(cleaned)
    found["endings"] = ending_evidence(w.bare for w in unknown)
    if statistics:
        found["wordfreq"] = _word_list_evidence(unknown)
    weight = min(
        MAX_STATISTICAL_WEIGHT,
        UNKNOWN_LETTER_WEIGHT * unknown_letters + KNOWN_LETTER_WEIGHT * known_letters,
    )
    if statistics and weight > 0:
        probabilities = _statistical(" ".join(w.lower for w in counted), latin, len(counted))
        found["lingua"] = {c: weight * probabilities.get(c, 0.0) for c in CLASSES}
    if not any(found["lexicon"].values()) and not any(found["chars"].values()):
        if _looks_like_names(unknown):
            found["name-like"] = {}
        elif len(counted) == 1:
            found["one-unknown-word"] = {}
    return found


def _detect(text: str, statistics: bool) -> Detection:
    found = evidence(text, statistics)
    if isinstance(found, Detection):
        return found
    name_like = found.pop("name-like", None) is not None
    one_unknown_word = found.pop("one-unknown-word", None) is not None
    totals = {c: sum(source[c] for source in found.values()) for c in CLASSES}
    ranked = sorted(CLASSES, key=lambda c: totals[c], reverse=True)
    best, runner_up = ranked[0], ranked[1]
    margin = totals[best] - totals[runner_up]
    if totals[best] < MIN_EVIDENCE or margin < MIN_MARGIN:
        return Detection("unsure", confidence_from_margin(margin), "ambiguous")
    confidence = confidence_from_margin(margin)
    if name_like:
        # Capitalised words no list knows are often names ("Yulimar Pérez", "Humboldt"): keep
        # the guess but below the confidence at which a conversation would take it.
        return Detection(best, min(confidence, NAME_CONFIDENCE_CAP), "name-like")
    if one_unknown_word:
        # One word no list knows may be a name or a typo: enough to start a conversation's
        # language, never enough to switch it.
        confidence = min(confidence, ONE_UNKNOWN_WORD_CAP)
    reason = max(found, key=lambda source: found[source][best])
    return Detection(best, confidence, reason)
