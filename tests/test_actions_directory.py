"""The directory actions with a real rasa_sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import ActionFindAjc, ActionListAjcs


def tracker(slots: dict[str, Any], intent: str = "find_ajc") -> Tracker:
    return Tracker(
        sender_id="test",
        slots={"language": None, "location": None, "sector": None, **slots},
        latest_message={"text": "", "intent": {"name": intent, "confidence": 1.0}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(action: Any, slots: dict[str, Any], intent: str = "find_ajc") -> tuple[list[str], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker(slots, intent), {}))
    return [message["text"] for message in dispatcher.messages], events


def test_find_asks_for_a_location_when_none_was_given() -> None:
    messages, events = run(ActionFindAjc(), {"language": "es"})
    assert messages == [messages[0]] and "código postal" in messages[0]
    assert events == []


def test_hours_question_without_location_explains_hours_differ() -> None:
    messages, _ = run(ActionFindAjc(), {"language": "en"}, intent="ask_hours")
    assert "Hours differ" in messages[0]


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
