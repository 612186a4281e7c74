"""Checks on the NLU training data and the held-out test sets, without training a model.

The held-out sets only measure the model if their sentences were never seen in training; the
counts keep every intent learnable in both languages; entity names and ZIP formats are what the
directory lookup reads. Files are loaded with Rasa's own loader so a format error fails here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cache

import pytest
import zipcodes
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot import PROJECT_ROOT
from bot.directory import load_directory
from bot.textnorm import normalize as fold

TRAINING_DIR = PROJECT_ROOT / "data" / "nlu"
HELD_OUT_DIR = PROJECT_ROOT / "tests" / "nlu"
LANGUAGES = ("en", "es")
INTENTS = (
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "capabilities",
    "human_handoff",
    "out_of_scope",
    "change_language",
    "find_ajc",
    "list_ajcs",
    "inform_location",
    "ask_hours",
    "ask_training_funding",
    "new_arrival_services",
    "ask_work_permit",
    "ask_tps",
    "ask_legal_help",
    "ask_sector_programs",
    "employer_ojt",
    "employer_iwt",
    "employer_hiring_events",
    "employer_contact",
    "ask_unemployment",
    "request_referral",
)
ENTITY_TYPES = {"zip", "place", "sector"}
MIN_TRAINING = 40
MIN_HELD_OUT = 15
# Above this similarity a held-out sentence is a reworded copy of a training one ("hablas
# ingles" / "habla ingles") and would flatter the model.
NEAR_COPY_RATIO = 0.9


def normalize(text: str) -> str:
    """Lowercase, strip accents and punctuation, collapse whitespace: 'Sí!' and 'si' are one."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", bare).split())


@cache
def training(language: str) -> tuple[Message, ...]:
    return tuple(load_data(str(TRAINING_DIR / language)).training_examples)


@cache
def held_out(language: str) -> tuple[Message, ...]:
    return tuple(load_data(str(HELD_OUT_DIR / f"{language}.yml")).training_examples)


def all_training() -> list[Message]:
    return [example for language in LANGUAGES for example in training(language)]


def all_examples() -> list[Message]:
    return all_training() + [example for language in LANGUAGES for example in held_out(language)]


def entities(examples: list[Message]) -> list[dict]:
    return [entity for example in examples for entity in example.get("entities") or []]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_topic_file_exists_in_both_languages(language: str) -> None:
    other = next(code for code in LANGUAGES if code != language)
    topics = {path.name for path in (TRAINING_DIR / language).glob("*.yml")}
    assert topics == {path.name for path in (TRAINING_DIR / other).glob("*.yml")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_data_has_exactly_the_assistants_intents(language: str) -> None:
    assert {example.get("intent") for example in training(language)} == set(INTENTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_data_has_exactly_the_assistants_intents(language: str) -> None:
    assert {example.get("intent") for example in held_out(language)} == set(INTENTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_training_examples(language: str) -> None:
    counts = Counter(example.get("intent") for example in training(language))
    short = {intent: counts[intent] for intent in INTENTS if counts[intent] < MIN_TRAINING}
    assert not short, f"fewer than {MIN_TRAINING} {language} training examples: {short}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_enough_held_out_examples(language: str) -> None:
    counts = Counter(example.get("intent") for example in held_out(language))
    short = {intent: counts[intent] for intent in INTENTS if counts[intent] < MIN_HELD_OUT}
    assert not short, f"fewer than {MIN_HELD_OUT} {language} held-out examples: {short}"


def test_no_sentence_is_trained_under_two_intents() -> None:
    intents_by_text = defaultdict(set)
    for example in all_training():
        intents_by_text[normalize(example.get("text"))].add(example.get("intent"))
    conflicts = {text: sorted(found) for text, found in intents_by_text.items() if len(found) > 1}
    assert not conflicts


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_held_out_sentence_is_in_training(language: str) -> None:
    seen = {normalize(example.get("text")) for example in all_training()}
    leaked = [ex.get("text") for ex in held_out(language) if normalize(ex.get("text")) in seen]
    assert not leaked


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_held_out_sentence_is_a_near_copy_of_training(language: str) -> None:
    by_intent = defaultdict(list)
    for example in all_training():
        by_intent[example.get("intent")].append(normalize(example.get("text")))
    copies = []
    for example in held_out(language):
        text = normalize(example.get("text"))
        for known in by_intent[example.get("intent")]:
            matcher = difflib.SequenceMatcher(None, text, known)
            reordered = sorted(text.split()) == sorted(known.split())
            if reordered or (
                matcher.real_quick_ratio() >= NEAR_COPY_RATIO and matcher.ratio() >= NEAR_COPY_RATIO
            ):
                copies.append((example.get("text"), known))
    assert not copies


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_sentences_are_not_repeated(language: str) -> None:
    counts = Counter(normalize(example.get("text")) for example in held_out(language))
    assert not [text for text, count in counts.items() if count > 1]


def test_annotated_entities_are_zip_place_or_sector() -> None:
    found = {entity["entity"] for entity in entities(all_examples())}
    assert found == ENTITY_TYPES


def test_zip_values_are_five_digit_cook_county_zips() -> None:
    zips = {entity["value"] for entity in entities(all_examples()) if entity["entity"] == "zip"}
    assert zips
    malformed = sorted(value for value in zips if not re.fullmatch(r"\d{5}", value))
    assert not malformed
    outside = sorted(
        value
        for value in zips
        if not any(hit["county"] == "Cook County" for hit in zipcodes.matching(value))
    )
    assert not outside, f"ZIPs the directory cannot place in Cook County: {outside}"


def test_held_out_places_are_places_the_directory_can_locate() -> None:
    known = {fold(name) for name, _ in load_directory().gazetteer()}
    held = [example for language in LANGUAGES for example in held_out(language)]
    places = {entity["value"] for entity in entities(held) if entity["entity"] == "place"}
    assert places
    assert not sorted(place for place in places if fold(place) not in known)
