"""The NLU's own rules after the classifier, on messages as Rasa hands them over: a named
Partnership program or group of people picks its topic, and the language is decided on the
words around a program's name. No trained model is involved: the classifier's intent is set by
the test, as the classifier would leave it."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_tagger import LanguageTagger
from bot.nlu.topic_router import GROUPS_INTENT, PROGRAMS_INTENT, TopicRouter


def parsed(text: str, intent: str, confidence: float = 0.9) -> Message:
    """What the pipeline holds for ``text`` after the classifier and the fallback."""
    ranked = {"name": intent, "confidence": confidence}
    return Message({TEXT: text, INTENT: ranked, INTENT_RANKING_KEY: [ranked], ENTITIES: []})


def after_our_components(text: str, intent: str, confidence: float = 0.9) -> Message:
    message = parsed(text, intent, confidence)
    TopicRouter().process([message])
    LanguageTagger().process([message])
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
