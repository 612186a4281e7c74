"""The hot-path fixes in bot.rasa_patches keep Rasa's behaviour: the same action server answers
are accepted or refused, and stored events come back as the same Event classes."""

from __future__ import annotations

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)

import bot.nlu  # noqa: F401  (Rasa imports it when it loads our model; that installs the fixes)
from bot import rasa_patches


def validate(answer: dict) -> bool:
    return RemoteAction("action_find_ajc", None)._validate_action_result(answer)


def test_loading_our_components_installs_the_fixes() -> None:
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
    assert Event.resolve_by_type is rasa_patches.resolve_event_type


def test_a_well_formed_action_answer_is_accepted() -> None:
    answer = {
        "events": [
            {"event": "slot", "name": "location", "value": "60623"},
            {"event": "active_loop", "name": None},
        ],
        "responses": [{"text": "American Job Center in Pilsen", "buttons": []}],
    }
    assert validate(answer)
    assert validate({"events": [], "responses": []})


@pytest.mark.parametrize(
    "answer",
    [
        {"events": "not a list"},
        {"events": [{"event": "slot", "name": 5, "value": "x"}]},
        {"events": [{"event": "no_such_event"}]},
        {"events": [{"event": "user", "text": 3}]},
        {"responses": ["plain text instead of an object"]},
    ],
)
def test_a_malformed_action_answer_is_refused_as_rasa_refuses_it(answer: dict) -> None:
    with pytest.raises(ValidationError) as ours:
        validate(answer)
    assert "Failed to validate Action server response" in ours.value.message
    with pytest.raises(ValidationError) as rasas:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(rasas.value.message), "the same first error"


def test_the_schema_itself_is_checked_only_once() -> None:
    rasa_patches.action_response_validator.cache_clear()
    validate({"events": []})
    validate({"events": []})
    assert rasa_patches.action_response_validator.cache_info().misses == 1


@pytest.mark.parametrize(
    ("type_name", "expected"),
    [
        ("user", UserUttered),
        ("bot", BotUttered),
        ("slot", SlotSet),
        ("action", ActionExecuted),
        ("active_loop", ActiveLoop),
    ],
)
def test_stored_events_resolve_to_their_classes(type_name: str, expected: type) -> None:
    assert Event.resolve_by_type(type_name) is expected
    assert Event.resolve_by_type(type_name) is expected, "and again from memory"


def test_unknown_event_types_still_fail_or_fall_back() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    restored = Event.from_parameters({"event": "slot", "name": "language", "value": "es"})
    assert restored == SlotSet("language", "es")
