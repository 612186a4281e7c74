"""The NLU's own rules after the classifier, on messages as Rasa hands them over: small talk
only when the message is small talk, a named Partnership program or group of people picks its
topic, and the language is decided on the words around a program's name. No trained model is
involved: the classifier's intent and ranking are set by the test, as the classifier would
leave them."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.conversation_context import conversation_language
from bot.nlu.language_tagger import LanguageTagger
from bot.nlu.locations import LocationExtractor
from bot.nlu.small_talk import REQUEST_FLOOR, SmallTalkGuard
from bot.nlu.topic_router import GROUPS_INTENT, PROGRAMS_INTENT, TopicRouter


def parsed(text: str, intent: str, confidence: float = 0.9, *others: tuple[str, float]) -> Message:
    """What the pipeline holds for ``text`` after the classifier (its intent, then ``others``
    in its ranking) and the fallback."""
    ranked = ((intent, confidence), *others)
    ranking = [{"name": name, "confidence": value} for name, value in ranked]
    return Message({TEXT: text, INTENT: ranking[0], INTENT_RANKING_KEY: ranking, ENTITIES: []})


def after_our_components(
    text: str, intent: str, confidence: float = 0.9, *others: tuple[str, float]
) -> Message:
    message = parsed(text, intent, confidence, *others)
    for component in (SmallTalkGuard(), TopicRouter(), LanguageTagger()):
        component.process([message])
    return message


def intent_of(message: Message) -> str:
    return message.get(INTENT)["name"]


def language_of(message: Message) -> str | None:
    found = [e["value"] for e in message.get(ENTITIES) if e["entity"] == "language"]
    return found[-1] if found else None


@pytest.mark.parametrize(
    ("text", "classified"),
    [
        ("when is Techapalooza?", "ask_hours"),
        ("tell me about ConstructionWorks", "ask_sector_programs"),
        ("que es el programa level up bridge", "ask_training_funding"),
        ("what does QUEST stand for", "capabilities"),
    ],
)
def test_a_named_program_is_its_topic_whatever_the_classifier_said(
    text: str, classified: str
) -> None:
    assert intent_of(after_our_components(text, classified)) == PROGRAMS_INTENT


def test_a_program_name_is_not_read_as_another_language() -> None:
    message = after_our_components("de que se trata techapalooza", "ask_hours")
    assert intent_of(message) == PROGRAMS_INTENT, "not unsupported_language"
    assert language_of(message) == "es"
    program = [e for e in message.get(ENTITIES) if e["entity"] == "program"]
    assert [e["value"] for e in program] == ["techapalooza"]


@pytest.mark.parametrize(
    ("text", "classified"),
    [
        ("i served in the navy, can you help me find work", "job_search"),
        ("soy ciego, me ayudan a encontrar empleo?", "nlu_fallback"),
        ("thanks, by the way im a veteran", "thank"),
        ("hay programa pa adolescentes?", "nlu_fallback"),
        ("I have a felony, what can I do", "out_of_scope"),
    ],
)
def test_a_named_group_takes_over_a_general_or_unsure_reading(text: str, classified: str) -> None:
    assert intent_of(after_our_components(text, classified, 0.3)) == GROUPS_INTENT


@pytest.mark.parametrize(
    ("text", "classified"),
    [
        ("nearest job center for veterans in 60623", "find_ajc"),
        ("cna classes for young people", "ask_sector_programs"),
        ("my son needs his GED", "ask_adult_education"),
        ("i'm a veteran and want to hire people", "employer_contact"),
    ],
)
def test_a_specific_request_keeps_its_intent_when_a_group_is_named(
    text: str, classified: str
) -> None:
    assert intent_of(after_our_components(text, classified)) == classified


@pytest.mark.parametrize("text", ["I need a job", "busco trabajo en construccion", "hola"])
def test_ordinary_messages_are_left_as_classified(text: str) -> None:
    assert intent_of(after_our_components(text, "job_search")) == "job_search"


def test_button_payloads_are_left_alone() -> None:
    message = after_our_components('/ask_hours{"place":"Techapalooza"}', "ask_hours")
    assert intent_of(message) == "ask_hours"


def test_an_employer_asking_about_a_hiring_event_keeps_the_employer_answer() -> None:
    message = after_our_components("when is hospitality hires", "employer_hiring_events")
    assert intent_of(message) == "employer_hiring_events"


@pytest.mark.parametrize(
    ("text", "small_talk", "runner_up"),
    [
        ("me despidieron, que hago", "goodbye", "ask_unemployment"),
        ("thanks to the pandemic I lost my job, where do I start?", "thank", "ask_unemployment"),
        ("necesito clases de ingles", "change_language", "ask_adult_education"),
        ("hola, busco chamba en construccion", "greet", "ask_sector_programs"),
        ("yes, I need help with my resume", "affirm", "career_services"),
    ],
)
def test_a_request_wrapped_in_small_talk_is_answered_as_the_request(
    text: str, small_talk: str, runner_up: str
) -> None:
    weight = REQUEST_FLOOR + 0.01
    message = after_our_components(text, small_talk, 0.9, (runner_up, weight), ("thank", 0.02))
    assert intent_of(message) == runner_up


def test_a_request_the_classifier_gives_no_other_topic_for_is_not_answered_as_small_talk() -> None:
    weak = ("ask_unemployment", REQUEST_FLOOR - 0.01)
    message = after_our_components("bye, i got fired", "goodbye", 0.99, ("greet", 0.3), weak)
    assert intent_of(message) == "nlu_fallback"


@pytest.mark.parametrize(
    ("text", "small_talk"),
    [
        ("thank you so much, have a nice day", "thank"),
        ("hola buenas tardes", "greet"),
        ("English please", "change_language"),
        ("en español por favor", "change_language"),
        ("no thanks, thats all", "deny"),
        ("ok bye", "goodbye"),
    ],
)
def test_small_talk_stays_small_talk(text: str, small_talk: str) -> None:
    message = after_our_components(text, small_talk, 0.4, ("job_search", REQUEST_FLOOR + 0.1))
    assert intent_of(message) == small_talk


def test_in_spanish_plus_a_request_switches_the_language_and_answers() -> None:
    message = after_our_components(
        "en español por favor, donde queda la oficina de empleo", "change_language", 0.4,
        ("find_ajc", REQUEST_FLOOR + 0.1),
    )  # fmt: skip
    assert intent_of(message) == "find_ajc" and language_of(message) == "es"


def test_a_place_the_gazetteer_knows_replaces_the_classifiers_stray_place_spans() -> None:
    text = "donde kda la oficina en la villita"
    message = parsed(text, "find_ajc")
    stray = {"entity": "place", "start": 10, "end": 12, "value": "la", "extractor": "DIET"}
    message.set(ENTITIES, [stray])
    LocationExtractor.build().process([message])
    places = [(e["value"], e["extractor"]) for e in message.get(ENTITIES) if e["entity"] == "place"]
    assert len(places) == 1 and places[0][1] == "LocationExtractor", places


def in_conversation(language: str | None, text: str, intent: str) -> Message:
    """``text`` through our components while the conversation's language is ``language``."""
    token = conversation_language.set(language)
    try:
        return after_our_components(text, intent)
    finally:
        conversation_language.reset(token)


@pytest.mark.parametrize(("text", "intent"), [("sí", "affirm"), ("Qué es el TPS?", "ask_tps")])
def test_a_first_message_only_spanish_speakers_write_starts_spanish(text: str, intent: str) -> None:
    assert language_of(in_conversation(None, text, intent)) == "es"


def test_a_spanish_yes_leaves_an_english_conversation_in_english() -> None:
    assert language_of(in_conversation("en", "sí", "affirm")) is None


def test_the_website_language_fills_a_new_conversation_only_when_the_words_do_not_tell() -> None:
    message = parsed("60608", "inform_location")
    message.set("metadata", {"language": "es"})
    token = conversation_language.set(None)
    try:
        LanguageTagger().process([message])
    finally:
        conversation_language.reset(token)
    assert language_of(message) == "es"
