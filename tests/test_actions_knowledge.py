"""Knowledge answers through the action, with a real Tracker and CollectingDispatcher."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerProgram
from tests.trackers import action_tracker


def run(
    intent: str, language: str, entities: list[dict] | None = None, sector_slot: str | None = None
) -> list[dict]:
    tracker = action_tracker(
        slots={"language": language, "sector": sector_slot}, intent=intent, entities=entities
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerProgram().run(dispatcher, tracker, {}))
    return dispatcher.messages


@pytest.mark.parametrize(("language", "expected"), [("en", "75%"), ("es", "75 %")])
def test_employer_ojt_answer_gives_the_sourced_rates(language: str, expected: str) -> None:
    [message] = run("employer_ojt", language)
    assert "50" in message["text"] and ("75%" in message["text"] or expected in message["text"])
    assert message["buttons"], "a short answer comes with buttons to go deeper"


def test_new_arrivals_answer_in_spanish_mentions_pilsen_and_no_legal_advice() -> None:
    [message] = run("new_arrival_services", "es")
    assert "Pilsen" in message["text"]
    assert "asesoría legal" in message["text"]


def test_sector_entity_from_the_message_picks_the_sector_answer() -> None:
    [message] = run("ask_sector_programs", "en", entities=[{"entity": "sector", "value": "CDL"}])
    assert "Transportation" in message["text"] or "logistics" in message["text"].lower()


def test_detail_button_payload_goes_deeper() -> None:
    [plain] = run("ask_training_funding", "en")
    [deeper] = run(
        "ask_training_funding", "en", entities=[{"entity": "detail", "value": "eligibility"}]
    )
    assert plain["text"] != deeper["text"]


def test_job_search_with_a_zip_also_lists_the_nearest_centers() -> None:
    messages = run("job_search", "es", entities=[{"entity": "zip", "value": "60623"}])
    assert len(messages) >= 3
    assert "Pilsen" in messages[2]["text"] and "millas" in messages[2]["text"]


def test_job_search_without_a_place_is_one_answer() -> None:
    assert len(run("job_search", "en")) == 1
