"""One decision per message: English, Spanish, another language, or unsure.

Cues add evidence per class ("en", "es", "other"):
- script: letters of a non-Latin script (Cyrillic, Chinese, Arabic...) settle "other" at once;
- lexicon: words our users type (content/language/lexicon.yml), decisive on 1-4 word messages;
- chars: "ñ ¿ ¡" for Spanish; "ã ç à è" and elisions for Portuguese/French/Italian/Catalan;
- endings: Spanish-only endings of unknown words ("-aba", "-ción", "-ieron");
- wordfreq: how common each unknown word is in English, Spanish and their neighbours, also
  with lost accented letters put back ("telfono"), see bot.language.wordlists;
- lingua (+ langdetect on long text): n-gram statistics, weighted by the amount of text,
  see models.statistical_probabilities.
The confidence grows with the margin between the best class and the runner-up. Thresholds in
bot.language.conversation decide when a conversation takes a detection (0.65 to start, 0.8 to
switch), so caps below here keep names and lone unknown words from switching anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, cast

from bot.language import models, wordlists
from bot.language.cues import character_evidence, ending_evidence, letter_scripts
from bot.language.lexicon import CLASSES, Lexicon, SlotLanguage, load
from bot.language.text import Token, clean, tokens

# Prior of "other" against English and Spanish in the statistics: people write to a Chicago job
# center in English or Spanish. It fades with length: a few words are ambiguous among Romance
# languages, a sentence is not. Index = number of words (capped).
OTHER_PRIOR_BY_WORDS = (0.05, 0.05, 0.05, 0.2, 0.35, 0.5, 0.7, 1.0)
# Statistical evidence per letter of words no list knows, and per letter of lexicon words.
UNKNOWN_LETTER_WEIGHT = 0.07
KNOWN_LETTER_WEIGHT = 0.02
# Per letter of a word the frequency lists place clearly (100x more frequent in one language than
# in any other), in messages under 20 letters, where the statistics only weigh English against
# Spanish: they would pull a clearly Portuguese or French word towards Spanish. A word the lists
# cannot place (as common in English as in Spanish) keeps the full weight: the letters decide.
CLEAR_WORD_LETTER_WEIGHT = 0.02
MAX_STATISTICAL_WEIGHT = 4.0
# Word-frequency evidence per word the lexicon does not know: each class gets the full weight if
# the word is most frequent there, nothing if it is 100x rarer there than in the most frequent
# class, linearly in between (a word Spanish shares with Portuguese counts against English for
# both). Another language must be 10x more frequent than Spanish or English to lead.
WORD_WEIGHT = 1.0
WORD_FULL_MARGIN = 2.0
OTHER_WORD_PENALTY = 1.0
# English and Spanish frequencies within a factor of 2 count as equal: two different corpora do
# not measure more finely, and the letter statistics then decide ("horror", "simple", "super").
SAME_FREQUENCY_MARGIN = 0.3
# A word known only once its lost accented letters are put back ("telfono") counts a little less
# than a word found as typed: the match is indirect.
DROPPED_LETTER_WEIGHT = 0.8
SCRIPT_CONFIDENCE = 0.97
NAME_CONFIDENCE_CAP = 0.6
ONE_UNKNOWN_WORD_CAP = 0.75
# Between bot.language.conversation's START_CONFIDENCE (0.65) and SWITCH_CONFIDENCE (0.8):
# "sí" may start a Spanish conversation, never turn an English one (tests/test_language.py).
SHORT_REPLY_CONFIDENCE = 0.7
MIN_EVIDENCE = 0.05
MIN_MARGIN = 0.01
MARGIN_SCALE = 0.6


@dataclass(frozen=True)
class Detection:
    """The language of one message, how sure we are (0..1), and the cue that decided it."""

    language: SlotLanguage | Literal["unsure"]
    confidence: float
    reason: str


UNSURE_NO_LETTERS = Detection("unsure", 0.0, "no-letters")


def confidence_from_margin(margin: float) -> float:
    """0.5 at no margin, 0.91 for one strong lexicon word (0.74 weak), towards 1 with more."""
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


def _word_list_evidence(
    unknown: list[Token], clear_word_letter_weight: float
) -> tuple[dict[str, float], float]:
    """Evidence from how often each word occurs in English, Spanish and other languages, and the
    weight the letter statistics get on these words (less where the lists already tell)."""
    found = dict.fromkeys(CLASSES, 0.0)
    letter_weight = 0.0
    for word in unknown:
        weight = WORD_WEIGHT
        frequencies = wordlists.word_frequencies(word.bare)
        if frequencies is None:
            frequencies = wordlists.dropped_letter_frequencies(word.bare)
            weight = DROPPED_LETTER_WEIGHT
        if frequencies is None:
            letter_weight += UNKNOWN_LETTER_WEIGHT * len(word.bare)
            continue
        scores = dict(zip(CLASSES, frequencies, strict=True))
        scores["other"] -= OTHER_WORD_PENALTY
        if abs(scores["en"] - scores["es"]) < SAME_FREQUENCY_MARGIN:
            scores["en"] = scores["es"] = max(scores["en"], scores["es"])
        best = max(scores.values())
        for cls, score in scores.items():
            found[cls] += weight * max(0.0, 1.0 - (best - score) / WORD_FULL_MARGIN)
        first, second, _ = sorted(frequencies, reverse=True)
        clarity = min(first - second, WORD_FULL_MARGIN) / WORD_FULL_MARGIN
        per_letter = (1 - clarity) * UNKNOWN_LETTER_WEIGHT + clarity * clear_word_letter_weight
        letter_weight += per_letter * len(word.bare)
    return found, letter_weight


def _statistical(text: str, letters: int, words: int) -> dict[str, float]:
    """Class probabilities from lingua (and langdetect on long text), with the prior applied."""
    per_language = models.statistical_probabilities(text, letters)
    # "other" is the best single other language, not their sum: ten candidates each taking a
    # little of an unclear phrase must not outvote Spanish.
    other_prior = OTHER_PRIOR_BY_WORDS[min(words, len(OTHER_PRIOR_BY_WORDS) - 1)]
    scores = {
        "en": per_language.get("en", 0.0),
        "es": per_language.get("es", 0.0),
        "other": other_prior
        * max((v for c, v in per_language.items() if c not in ("en", "es")), default=0.0),
    }
    total = sum(scores.values())
    return {c: v / total for c, v in scores.items()} if total > 0 else {}


def warm_up() -> None:
    """Load the word lists and models now (about 1.5 s) instead of on the first user message."""
    detect("hola, busco trabajo de limpieza en el sur de Chicago, gracias")
    detect("hi")


def detect(text: str) -> Detection:
    """The language of one chat message; "unsure" when the message cannot tell."""
    return _detect(text, statistics=True)


def detect_cues_only(text: str) -> Detection:
    """What script, word list and characters say without any statistics (for the benchmark)."""
    return _detect(text, statistics=False)


def short_reply_detection(words: list[Token], lexicon: Lexicon) -> Detection:
    """A message of short replies only: the language they all lean to ("sí", "si dale"), else
    unsure ("ok", "yes sí"), confident enough to start a conversation but never to switch."""
    leanings = {lexicon.short_reply_language(w.lower, w.bare) for w in words} - {None}
    if len(leanings) != 1:
        return Detection("unsure", 0.0, "short-reply")
    return Detection(cast(SlotLanguage, leanings.pop()), SHORT_REPLY_CONFIDENCE, "short-reply")


@dataclass
class Evidence:
    """Evidence per cue and class, and the most confidence the message can earn (names, one
    unknown word) with the reason for that cap."""

    by_cue: dict[str, dict[str, float]] = field(default_factory=dict)
    cap: tuple[float, str] | None = None


def evidence(text: str, statistics: bool = True) -> Detection | Evidence:
    """All evidence for a message, or the final Detection when the message settles early."""
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
    names_only = not counted
    if names_only:
        if not statistics or all(lexicon.is_short_reply(w.lower, w.bare) for w in words):
            return Detection("unsure", 0.0, "neutral")
        # Only names, places, brands: how they are spelled may still hint at a language
        # ("Teresa Rojas", "Joseph"), never enough to set or switch one (capped below).
        counted = words
    elif all(lexicon.is_short_reply(w.lower, w.bare) for w in counted):
        return short_reply_detection(counted, lexicon)

    found = Evidence({"lexicon": dict.fromkeys(CLASSES, 0.0)})
    known_letters = 0
    unknown: list[Token] = []
    for word in counted:
        entry = None if names_only else lexicon.lookup(word.lower, word.bare)
        if entry is None:
            unknown.append(word)
            continue
        known_letters += len(word.bare)
        for cls, weight in entry.weights:
            found.by_cue["lexicon"][cls] += weight
    found.by_cue["chars"] = character_evidence(cleaned)
    found.by_cue["endings"] = ending_evidence(w.bare for w in unknown)
    if statistics:
        short = latin < models.OTHER_LANGUAGES_MIN_LETTERS
        clear_weight = CLEAR_WORD_LETTER_WEIGHT if short else UNKNOWN_LETTER_WEIGHT
        found.by_cue["wordfreq"], unknown_weight = _word_list_evidence(unknown, clear_weight)
        weight = min(MAX_STATISTICAL_WEIGHT, unknown_weight + KNOWN_LETTER_WEIGHT * known_letters)
        probabilities = _statistical(" ".join(w.lower for w in counted), latin, len(counted))
        found.by_cue["lingua"] = {c: weight * probabilities.get(c, 0.0) for c in CLASSES}

    if names_only:
        found.cap = (NAME_CONFIDENCE_CAP, "neutral")
    elif not any(found.by_cue["lexicon"].values()) and not any(found.by_cue["chars"].values()):
        if _looks_like_names(unknown):
            # Capitalised words no list knows are often names ("Yulimar Pérez", "Humboldt").
            found.cap = (NAME_CONFIDENCE_CAP, "name-like")
        elif len(counted) == 1:
            # One word no list knows may be a name or a typo: it may start a conversation's
            # language, never switch it.
            found.cap = (ONE_UNKNOWN_WORD_CAP, "")
    return found


def _detect(text: str, statistics: bool) -> Detection:
    found = evidence(text, statistics)
    if isinstance(found, Detection):
        return found
    totals = {c: sum(source[c] for source in found.by_cue.values()) for c in CLASSES}
    ranked = sorted(CLASSES, key=totals.__getitem__, reverse=True)
    best, runner_up = cast(SlotLanguage, ranked[0]), ranked[1]
    margin = totals[best] - totals[runner_up]
    confidence = confidence_from_margin(margin)
    if totals[best] < MIN_EVIDENCE or margin < MIN_MARGIN:
        return Detection("unsure", confidence, "ambiguous")
    reason = max(found.by_cue, key=lambda cue: found.by_cue[cue][best])
    if found.cap:
        limit, cap_reason = found.cap
        return Detection(best, min(confidence, limit), cap_reason or reason)
    return Detection(best, confidence, reason)
