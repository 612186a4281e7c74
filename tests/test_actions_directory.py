"""The directory actions with a real rasa_sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import ActionFindAjc, ActionListAjcs
from tests.trackers import action_tracker


def tracker(
    slots: dict[str, Any],
    intent: str = "find_ajc",
    text: str = "",
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    return action_tracker(slots=slots, intent=intent, text=text, entities=entities)


def run(action: Any, slots: dict[str, Any], intent: str = "find_ajc") -> tuple[list[str], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(slots, intent), {}))
    return [message["text"] for message in dispatcher.messages], events


def ask(
    text: str,
    language: str,
    intent: str = "ask_hours",
    location: str | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], list]:
    """What a person reads (texts and buttons) after ``text`` with ``intent``."""
    dispatcher = CollectingDispatcher()
    slots = {"language": language, "location": location}
    events = asyncio.run(
        ActionFindAjc().run(dispatcher, tracker(slots, intent, text, entities), {})
    )
    return dispatcher.messages, events


def button_titles(messages: list[dict[str, Any]]) -> dict[str, str]:
    return {b["title"]: b["payload"] for m in messages for b in m.get("buttons") or ()}


def test_find_asks_for_a_location_when_none_was_given() -> None:
    messages, events = run(ActionFindAjc(), {"language": "es"})
    assert messages == [messages[0]] and "código postal" in messages[0]
    assert events == []


def test_hours_question_without_location_explains_hours_differ() -> None:
    messages, _ = run(ActionFindAjc(), {"language": "en"}, intent="ask_hours")
    assert "Hours and phone numbers differ" in messages[0]
    assert "Which center do you mean" in messages[0] and "ZIP code" in messages[0]


def test_find_by_zip_lists_pilsen_first_with_distance_and_unknowns() -> None:
    messages, events = run(ActionFindAjc(), {"language": "en", "location": "60623"})
    assert messages[0] == "The job centers nearest to 60623:"
    assert messages[1].startswith("American Job Center")
    assert "Pilsen" in messages[1] and "1700 W. 18th St" in messages[1]
    assert "Phone: not in my records yet" in messages[1]
    assert "https://www.google.com/maps/search/" in messages[1]
    assert len(messages) == 5, "intro, three sites, and the note about unconfirmed details"
    assert events == []


def test_find_by_spanish_neighborhood_name_answers_in_spanish() -> None:
    messages, _ = run(ActionFindAjc(), {"language": "es", "location": "La Villita"})
    assert "Pilsen" in messages[1] and "Personal que habla español: sí" in messages[1]
    assert "millas" in messages[1]


def test_invalid_zip_is_refused_and_forgotten() -> None:
    messages, events = run(ActionFindAjc(), {"language": "en", "location": "99999"})
    assert "99999" in messages[0] and "miles" not in " ".join(messages)
    assert events == [SlotSet("location", None)]


def test_zip_outside_cook_county_names_its_county() -> None:
    messages, events = run(ActionFindAjc(), {"language": "es", "location": "60101"})
    assert "DuPage" in messages[0] and "fuera de Chicago" in messages[0]
    assert events == [SlotSet("location", None)]


def test_list_names_the_network_count_and_every_ajc_in_the_data() -> None:
    messages, _ = run(ActionListAjcs(), {"language": "en"}, intent="list_ajcs")
    assert "10 American Job Centers: 5 in Chicago and 5 in suburban Cook County" in messages[0]
    for name in ("Truman", "Daley", "Malcolm X", "Pilsen", "Harvey", "North Suburban"):
        assert name in messages[1]


# ---------------------------------------------------------- hours and phone of a named center


def test_english_hours_of_a_named_center_answer_for_that_center() -> None:
    messages, events = ask("what are the hours of the truman center", "en")
    first, second = messages[0]["text"], messages[1]["text"]
    assert "American Job Center at Truman College" in first
    assert "Phone and opening hours: not in my records yet" in first
    assert "Address: 1145 W. Wilson Ave, Suite 1917, Chicago, IL 60640" in first
    assert "miles" not in first, "one named center, not the nearest list"
    assert "call you back" in second
    buttons = button_titles(messages)
    assert buttons["Have a center call me"] == '/request_referral{"referral_kind":"career_seeker"}'
    assert buttons["Nearest job center"] == "/find_ajc"
    assert events == []


def test_spanish_phone_of_daley_answers_in_spanish_for_daley() -> None:
    messages, _ = ask("telefono de daley", "es")
    first = messages[0]["text"]
    assert first.startswith(
        "Esto es lo que tengo sobre el Centro de Empleo Americano (AJC) en Daley"
    )
    assert "Teléfono y horario: todavía no están en mis registros" in first
    assert "Dirección: 7500 S. Pulaski Rd" in first
    assert "lo llame" in messages[1]["text"]
    assert "Que un centro me llame" in button_titles(messages)


def test_pilsen_center_never_shows_another_organisations_phone() -> None:
    messages, _ = ask("what's the phone number of the Pilsen center?", "en", location="Pilsen")
    text = "\n".join(message["text"] for message in messages)
    assert "American Job Center in Pilsen" in text and "Spanish-speaking staff: yes" in text
    assert "217" not in text and not re.search(r"\(\d{3}\)|\d{3}-\d{4}", text)


def test_a_dated_phone_is_given_with_its_year() -> None:
    messages, _ = ask("phone of the hospitality sector center", "es")
    assert "Teléfono: 1 (773) 490-8757 (publicado en 2022" in messages[0]["text"]


def test_a_center_name_tagged_as_a_place_is_found_and_forgotten() -> None:
    entities = [{"entity": "place", "value": "Daley"}]
    messages, events = ask('/ask_hours{"place":"Daley"}', "en", location="Daley", entities=entities)
    assert "Daley College" in messages[0]["text"]
    assert events == [SlotSet("location", None)], "'Daley' is no place to measure from later"


def test_hours_in_a_place_still_list_the_nearest_centers() -> None:
    messages, _ = ask("what are the hours in pilsen", "en", location="Pilsen")
    assert messages[0]["text"] == "The job centers nearest to Pilsen:"


def test_where_is_a_named_center_answers_for_it_instead_of_unknown_place() -> None:
    messages, events = ask("where is truman college", "en", intent="find_ajc", location="Truman")
    assert "Truman College" in messages[0]["text"] and "1145 W. Wilson Ave" in messages[0]["text"]
    assert events == [SlotSet("location", None)]


# ---------------------------------------------------------- follow-ups that name no center


def follow_up(text: str, language: str, before_text: str, before_action: str) -> list[str]:
    """What a person reads after ``text`` (ask_hours, no place) right after ``before_text``."""
    earlier = {"text": before_text, "intent": {"name": "find_ajc"}, "entities": []}
    latest = {"text": text, "intent": {"name": "ask_hours", "confidence": 0.9}, "entities": []}
    events = [
        {"event": "user", "text": before_text, "parse_data": earlier},
        {"event": "action", "name": before_action},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
    ]
    dispatcher = CollectingDispatcher()
    conversation = action_tracker(slots={"language": language}, latest=latest, events=events)
    asyncio.run(ActionFindAjc().run(dispatcher, conversation, {}))
    return [message["text"] for message in dispatcher.messages]


def test_their_hours_right_after_a_named_center_are_that_centers() -> None:
    messages = follow_up("and their phone?", "en", "where is truman college", "action_find_ajc")
    assert "American Job Center at Truman College" in messages[0]
    assert "Phone and opening hours: not in my records yet" in messages[0]


def test_su_horario_after_another_answer_asks_which_center() -> None:
    messages = follow_up("y su horario?", "es", "donde queda truman", "action_answer_program")
    assert "¿De qué centro me habla" in messages[0] and "Dirección" not in "".join(messages)
