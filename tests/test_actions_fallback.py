"""The fallback action with a real rasa_sdk Tracker: "did you mean ...?" in the person's
language with the likely topics, and the call-back form on a second miss."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDidYouMean
from bot.intents import BUTTON_ONLY_INTENTS, domain_intents
from bot.replies.fallback import (
    MAIN_TOPICS,
    NOT_TOPICS,
    SOMETHING_ELSE_INTENT,
    is_topic,
    likely_topics,
)
from bot.texts import render
from tests.trackers import action_tracker

FALLBACK_THRESHOLD = 0.3


def parse_data(text: str, ranking: list[tuple[str, float]], fell_back: bool = True) -> dict:
    """Parse data as Rasa stores it: the FallbackClassifier's entry first, then the ranking."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    if fell_back:
        intents.insert(0, {"name": "nlu_fallback", "confidence": FALLBACK_THRESHOLD})
    return {
        "text": text,
        "intent": intents[0] if intents else {"name": "nlu_fallback", "confidence": 1.0},
        "entities": [],
        "intent_ranking": intents,
        "message_id": "m",
        "metadata": {},
    }


def user(parse: dict) -> dict[str, Any]:
    return {"event": "user", "text": parse["text"], "parse_data": parse, "timestamp": 0.0}


def tracker(latest: dict, language: str, before: list[dict] | None = None) -> Tracker:
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"}]
    for parse in before or []:
        events += [user(parse), {"event": "action", "name": "utter_x"}]
        events.append({"event": "action", "name": "action_listen"})
    events.append(user(latest))
    return action_tracker(slots={"language": language}, latest=latest, events=events)


def reply(latest: dict, language: str, before: list[dict] | None = None) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionDidYouMean().run(dispatcher, tracker(latest, language, before), {}))
    assert events == []
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [(b["title"], b["payload"]) for b in message.get("buttons") or ()]


# "I got let go, what now" between losing a job and finding one, with small talk in the ranking.
UNSURE = [
    ("goodbye", 0.28),
    ("ask_unemployment", 0.25),
    ("thank", 0.15),
    ("job_search", 0.12),
    ("inform_location", 0.08),
    ("find_ajc", 0.06),
    ("greet", 0.04),
    ("ask_tps", 0.01),
]


def test_english_did_you_mean_offers_the_likely_topics_not_small_talk() -> None:
    message = reply(parse_data("got let go what now", UNSURE), "en")
    assert message["text"] == "I'm not sure I understood. Did you mean one of these?"
    assert buttons(message) == [
        ("I lost my job", "/ask_unemployment"),
        ("Finding a job", "/job_search"),
        ("Nearest job center", "/find_ajc"),  # inform_location is offered as finding a center
        ("Something else", "/something_else"),
        ("Talk to a person", "/human_handoff"),
    ]


def test_spanish_did_you_mean_offers_the_same_topics_in_spanish() -> None:
    message = reply(parse_data("me corrieron y ahora", UNSURE), "es")
    assert message["text"].startswith("No estoy seguro de haberle entendido. ¿Quiso decir")
    assert buttons(message) == [
        ("Perdí mi trabajo", "/ask_unemployment"),
        ("Buscar trabajo", "/job_search"),
        ("Centro de empleo más cercano", "/find_ajc"),
        ("Otra cosa", "/something_else"),
        ("Hablar con una persona", "/human_handoff"),
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_close_top_two_offer_both(language: str) -> None:
    """Confident but ambiguous: both candidates, in ranking order, and unlikely ones left out."""
    ranking = [("ask_work_permit", 0.46), ("ask_tps", 0.44), ("greet", 0.06), ("ask_hours", 0.01)]
    message = reply(parse_data("permiso TPS", ranking), language)
    payloads = [payload for _, payload in buttons(message)]
    assert payloads == ["/ask_work_permit", "/ask_tps", "/something_else", "/human_handoff"]
    assert buttons(message)[0][0] == render("topic_ask_work_permit", language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_likely_topic_offers_the_main_topics(language: str) -> None:
    """Gibberish (a component's decision, ranking of one) or a payload: the main topics."""
    for latest in (
        parse_data("zxqv blorpp", [], fell_back=True),
        parse_data("hmm", [("greet", 0.5), ("thank", 0.3), ("goodbye", 0.2)]),
    ):
        message = reply(latest, language)
        assert message["text"] == render("fallback_pick_topic", language)
        payloads = [payload for _, payload in buttons(message)]
        assert payloads == [f"/{t}" for t in MAIN_TOPICS] + ["/something_else", "/human_handoff"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_second_miss_in_a_row_offers_the_call_back_form_and_levelup(language: str) -> None:
    first = parse_data("asdf job thing", UNSURE)
    message = reply(parse_data("the thing with the stuff", UNSURE), language, before=[first])
    assert message["text"] == render("fallback_second_miss", language)
    assert "LevelUpAJC.org" in message["text"]
    assert buttons(message) == [
        (render("contact_btn_call_me", language), "/request_referral"),
        (render("topic_find_ajc", language), "/find_ajc"),
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_something_else_gets_the_second_miss_answer(language: str) -> None:
    pressed = parse_data("/something_else", [("something_else", 1.0)], fell_back=False)
    message = reply(pressed, language, before=[parse_data("got let go", UNSURE)])
    assert message["text"] == render("fallback_second_miss", language)
    assert ("/request_referral") in [payload for _, payload in buttons(message)]


def test_a_fallback_after_an_understood_message_asks_again() -> None:
    understood = parse_data("hola", [("greet", 0.98)], fell_back=False)
    message = reply(parse_data("got let go", UNSURE), "en", before=[understood])
    assert message["text"].startswith("I'm not sure I understood")


def test_every_intent_is_a_topic_or_explicitly_not_one() -> None:
    """A new intent needs a decision: a button title in the catalog, or a place in NOT_TOPICS."""
    intents = domain_intents()
    assert intents >= NOT_TOPICS
    undecided = sorted(i for i in intents if not is_topic(i) and i not in NOT_TOPICS)
    assert not undecided
    assert not sorted(i for i in NOT_TOPICS if is_topic(i))


def test_something_else_is_a_button_only_intent() -> None:
    assert SOMETHING_ELSE_INTENT in BUTTON_ONLY_INTENTS <= domain_intents()


def test_likely_topics_never_offers_small_talk_or_the_fallback() -> None:
    ranking = [{"name": n, "confidence": 0.1} for n in sorted(domain_intents())]
    parse = {"intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}, *ranking]}
    topics = likely_topics(parse)
    assert len(topics) == 3
    assert not set(topics) & (NOT_TOPICS | {"nlu_fallback"})
