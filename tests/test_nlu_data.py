"""Checks on the NLU training data and the held-out test sets, without training a model.

The held-out sets only measure the model if their sentences were never seen in training; the
counts keep every intent learnable in both languages; entity names and ZIP formats are what the
directory lookup reads. Files are loaded with Rasa's own loader so a format error fails here.
Messages in languages the assistant does not speak live apart, in data/nlu/other and
tests/nlu/other.yml, and teach only unsupported_language.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import cache

import pytest
import zipcodes
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot import PROJECT_ROOT
from bot.directory import LocationProblem, load_directory
from bot.intents import BUTTON_ONLY_INTENTS, domain_intents
from bot.knowledge.words import resolve_sector
from bot.textnorm import fold

TRAINING_DIR = PROJECT_ROOT / "data" / "nlu"
HELD_OUT_DIR = PROJECT_ROOT / "tests" / "nlu"
LANGUAGES = ("en", "es")
OTHER = "other"  # languages the assistant does not speak
FOLDERS = (*LANGUAGES, OTHER)
# Every intent of the domain is trained in English and Spanish, except the other-language one
# and the intents only a button sends (bot.intents.BUTTON_ONLY_INTENTS: trained, the classifier
# would pick them for typed messages).
OTHER_INTENTS = ("unsupported_language",)
INTENTS = tuple(sorted(domain_intents() - set(OTHER_INTENTS) - BUTTON_ONLY_INTENTS))
ENTITY_TYPES = {"zip", "place", "sector", "referral_field"}
# The answers of the call-back form that a correction can name (actions/referral.py clears the
# slot referral_<value>).
REFERRAL_FIELDS = {"name", "contact", "area", "need", "language", "time"}
MIN_TRAINING = 40
MIN_HELD_OUT = 15
# Job requests naming a field that teach the job_search / ask_sector_programs boundary.
MIN_FIELD_JOBS = 15
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


def intents_of(folder: str) -> tuple[str, ...]:
    return OTHER_INTENTS if folder == OTHER else INTENTS


def all_training() -> list[Message]:
    return [example for folder in FOLDERS for example in training(folder)]


def all_examples() -> list[Message]:
    return all_training() + [example for folder in FOLDERS for example in held_out(folder)]


def entities(examples: list[Message]) -> list[dict]:
    return [entity for example in examples for entity in example.get("entities") or []]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_topic_file_exists_in_both_languages(language: str) -> None:
    other = next(code for code in LANGUAGES if code != language)
    topics = {path.name for path in (TRAINING_DIR / language).glob("*.yml")}
    assert topics == {path.name for path in (TRAINING_DIR / other).glob("*.yml")}


@pytest.mark.parametrize("folder", FOLDERS)
def test_training_data_has_exactly_the_assistants_intents(folder: str) -> None:
    assert {example.get("intent") for example in training(folder)} == set(intents_of(folder))


@pytest.mark.parametrize("folder", FOLDERS)
def test_held_out_data_has_exactly_the_assistants_intents(folder: str) -> None:
    assert {example.get("intent") for example in held_out(folder)} == set(intents_of(folder))


@pytest.mark.parametrize("folder", FOLDERS)
@pytest.mark.parametrize(
    ("examples", "minimum"), [(training, MIN_TRAINING), (held_out, MIN_HELD_OUT)]
)
def test_every_intent_has_enough_examples(
    folder: str, examples: Callable[[str], tuple[Message, ...]], minimum: int
) -> None:
    counts = Counter(example.get("intent") for example in examples(folder))
    short = {intent: counts[intent] for intent in intents_of(folder) if counts[intent] < minimum}
    assert not short, f"fewer than {minimum} {folder} {examples.__name__} examples: {short}"


def test_no_sentence_is_trained_under_two_intents() -> None:
    intents_by_text = defaultdict(set)
    for example in all_training():
        intents_by_text[normalize(example.get("text"))].add(example.get("intent"))
    conflicts = {text: sorted(found) for text, found in intents_by_text.items() if len(found) > 1}
    assert not conflicts


@pytest.mark.parametrize("language", FOLDERS)
def test_no_held_out_sentence_is_in_training(language: str) -> None:
    seen = {normalize(example.get("text")) for example in all_training()}
    leaked = [ex.get("text") for ex in held_out(language) if normalize(ex.get("text")) in seen]
    assert not leaked


@pytest.mark.parametrize("language", FOLDERS)
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


@pytest.mark.parametrize("language", FOLDERS)
def test_held_out_sentences_are_not_repeated(language: str) -> None:
    counts = Counter(normalize(example.get("text")) for example in held_out(language))
    assert not [text for text, count in counts.items() if count > 1]


def test_annotated_entities_are_zip_place_sector_or_referral_field() -> None:
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


def test_every_annotated_place_is_one_the_directory_resolves() -> None:
    """A place the model learns to tag must lead somewhere: a point, or 'too broad' (Chicago)."""
    directory = load_directory()
    places = {entity["value"] for entity in entities(all_examples()) if entity["entity"] == "place"}
    unknown = sorted(
        place
        for place in places
        if isinstance(found := directory.resolve(place=place), LocationProblem)
        and found.reason == "unknown_place"
    )
    assert not unknown


def test_humboldt_alone_means_humboldt_park() -> None:
    found = load_directory().resolve(place="humboldt")
    assert not isinstance(found, LocationProblem) and found.label == "Humboldt Park"


JOB_WORDS = re.compile(r"\b(jobs?|work|hiring|trabaj\w*|chamba|jale|empleo)\b")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_job_request_that_names_a_field_is_a_sector_question(language: str) -> None:
    """'Looking for hotel jobs' gets the hotel sector center, not the generic job-search reply
    (the boundary written in data/nlu/*/programs.yml): no job_search example, trained or
    held-out, names a field, and enough sector examples ask for a job in one."""
    named = [
        example.get("text")
        for example in training(language) + held_out(language)
        if example.get("intent") == "job_search"
        and (
            resolve_sector(example.get("text"))
            or any(entity["entity"] == "sector" for entity in example.get("entities") or [])
        )
    ]
    assert not named
    field_jobs = [
        example.get("text")
        for example in training(language)
        if example.get("intent") == "ask_sector_programs"
        and JOB_WORDS.search(example.get("text"))
        and any(entity["entity"] == "sector" for entity in example.get("entities") or [])
    ]
    assert len(field_jobs) >= MIN_FIELD_JOBS


def _word_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    pattern = r"(?<!\w)" + re.escape(fold(phrase)) + r"(?!\w)"
    return [match.span() for match in re.finditer(pattern, fold(text))]


def test_organisation_names_with_a_place_word_are_not_places() -> None:
    """'Hospitality Hires Chicago' names an event, 'Olive-Harvey' a college in Chicago: the
    directory lists them so the place matcher skips them, and the data never tags them."""
    directory = load_directory()
    names = directory.not_place_names()
    for name in (
        "Chicago Cook Workforce Partnership",
        "Hospitality Hires Chicago",
        "Cook County Career Connector",
        "City Colleges of Chicago",
    ):
        assert name in names
    gazetteer = [form for form, _ in directory.gazetteer()]
    for name in names:
        assert any(_word_spans(name, form) for form in gazetteer), f"{name}: holds no place"
        found = directory.resolve(place=name)
        assert isinstance(found, LocationProblem) and found.reason == "unknown_place", name
    tagged = []
    for example in all_examples():
        spans = [span for name in names for span in _word_spans(example.get("text"), name)]
        tagged += [
            example.get("text")
            for entity in example.get("entities") or []
            if entity["entity"] == "place"
            and any(start <= entity["start"] and entity["end"] <= end for start, end in spans)
        ]
    assert not tagged


def _referral_fields(examples: list[Message]) -> list[tuple[Message, dict]]:
    return [
        (example, entity)
        for example in examples
        for entity in example.get("entities") or []
        if entity["entity"] == "referral_field"
    ]


def test_referral_fields_name_a_form_answer_and_only_in_corrections() -> None:
    found = _referral_fields(all_examples())
    assert {entity["value"] for _, entity in found} == REFERRAL_FIELDS
    assert {example.get("intent") for example, _ in found} == {"correct_referral"}


def test_a_field_word_always_means_the_same_field_and_is_always_annotated() -> None:
    """'number' is contact everywhere; a correction saying 'email' without the annotation would
    teach the model to miss it, and the form would then ask which answer to change."""
    corrections = [ex for ex in all_examples() if ex.get("intent") == "correct_referral"]
    meaning = defaultdict(set)
    for example, entity in _referral_fields(corrections):
        meaning[fold(example.get("text")[entity["start"] : entity["end"]])].add(entity["value"])
    assert not {word: values for word, values in meaning.items() if len(values) > 1}
    missed = []
    for example in corrections:
        covered = [(entity["start"], entity["end"]) for entity in example.get("entities") or []]
        for word in meaning:
            for start, end in _word_spans(example.get("text"), word):
                if not any(a <= start and end <= b for a, b in covered):
                    missed.append((example.get("text"), word))
    assert not missed
