"""Changing language mid-conversation with a real rasa_sdk Tracker: the confirmation, then the
last answer again in the new language."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.language import ActionChangeLanguage
from bot.texts import render
from tests.trackers import action_tracker


def user(text: str, intent: str, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    intent_data = {"name": intent, "confidence": 0.9}
    parse = {"text": text, "intent": intent_data, "entities": entities or []}
    return {"event": "user", "text": text, "parse_data": parse}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def change_language(language: str, before: list[dict[str, Any]], **slots: Any) -> list[dict]:
    """What the person reads after asking for ``language`` following the events ``before``."""
    latest = user("in the other language please", "change_language")
    events = [action("action_listen"), *before, latest]
    tracker = action_tracker(
        slots={"language": language, **slots}, latest=latest["parse_data"], events=events
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionChangeLanguage().run(dispatcher, tracker, {}))
    return dispatcher.messages


ZIP_60629 = [{"entity": "zip", "value": "60629", "start": 0, "end": 5}]
NEAREST = [user("60629", "inform_location", ZIP_60629), action("action_find_ajc")]


def test_the_nearest_centers_are_repeated_in_spanish() -> None:
    messages = change_language("es", [*NEAREST, action("action_listen")], location="60629")
    assert messages[0]["text"] == render("language_changed_repeat", "es")
    assert "Los centros de empleo más cercanos a 60629" in messages[1]["text"]
    assert "Dirección" in "\n".join(m["text"] for m in messages[2:])


def test_a_response_is_sent_again_for_rasa_to_render_in_the_new_language() -> None:
    messages = change_language(
        "en", [user("quiero una persona", "human_handoff"), action("utter_human_handoff")]
    )
    assert messages[0]["text"] == render("language_changed_repeat", "en")
    assert messages[1]["response"] == "utter_human_handoff"


def test_after_a_greeting_only_the_change_is_confirmed() -> None:
    messages = change_language("es", [user("hi", "greet"), action("utter_greet")])
    assert [m["response"] for m in messages] == ["utter_language_changed"]


def test_with_nothing_said_before_the_change_is_confirmed_with_the_topics() -> None:
    assert [m["response"] for m in change_language("es", [])] == ["utter_language_changed"]


def test_an_earlier_change_of_language_is_stepped_over() -> None:
    before = [*NEAREST, user("english", "change_language"), action("action_change_language")]
    messages = change_language("es", before, location="60629")
    assert "Los centros de empleo más cercanos a 60629" in messages[1]["text"]


def test_a_did_you_mean_is_repeated_as_the_first_miss_it_was() -> None:
    before = [user("hola", "greet"), action("utter_greet"), user("blorp", "nlu_fallback")]
    messages = change_language("en", [*before, action("action_did_you_mean")])
    assert messages[1]["text"] == render("fallback_pick_topic", "en")


def test_during_the_call_back_form_only_the_change_is_confirmed() -> None:
    latest = user("en español", "change_language")
    tracker = action_tracker(
        slots={"language": "es"},
        latest=latest["parse_data"],
        events=[*NEAREST, latest],
        active_loop={"name": "referral_form"},
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionChangeLanguage().run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_language_changed"]
