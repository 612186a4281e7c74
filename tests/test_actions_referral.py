"""The call-back form's actions with a real Tracker, CollectingDispatcher and SQLite store."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.referral import (
    FORM_SLOTS,
    ActionAskReferralConfirm,
    ActionCancelReferral,
    ActionCorrectReferral,
    ActionStartReferral,
    ActionSubmitReferral,
    ValidateReferralForm,
)
from bot.referrals import get_referral, list_referrals
from tests.trackers import action_tracker

SEEKER_ES = {
    "language": "es",
    "referral_kind": "career_seeker",
    "referral_consent": True,
    "referral_name": "Ana",
    "referral_contact": "+13125550123",
    "referral_area": "Little Village",
    "referral_need": "immigration_help",
    "referral_language": "es",
    "referral_time": "en la mañana",
    "referral_confirm": True,
}


@pytest.fixture(autouse=True)
def referral_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "referrals.db"
    monkeypatch.setenv("AJC_REFERRALS_DB_URL", f"sqlite:///{database}")
    monkeypatch.delenv("AJC_REFERRAL_ENDPOINT", raising=False)
    return database


def tracker(
    slots: dict[str, Any],
    intent: str = "affirm",
    entities: list | None = None,
    events: list | None = None,
) -> Tracker:
    return action_tracker(
        slots={slot: None for slot in FORM_SLOTS} | slots,
        intent=intent,
        entities=entities,
        events=events,
        active_loop={"name": "referral_form"},
        sender_id="form-test",
    )


def run(action: Any, state: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    return dispatcher.messages, events


def validate(method: str, value: str, language: str = "en") -> tuple[dict, list[str]]:
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateReferralForm(), method)(
        value, dispatcher, tracker({"language": language}), {}
    )
    return result, [message["text"] for message in dispatcher.messages]


def test_invalid_phone_is_reasked_with_a_hint_then_a_valid_one_is_kept() -> None:
    result, said = validate("validate_referral_contact", "312-555", "es")
    assert result == {"referral_contact": None}
    assert "10 dígitos" in said[0]
    result, said = validate("validate_referral_contact", "mi cel es (312) 555-0123", "es")
    assert result == {"referral_contact": "+13125550123"} and said == []


def test_email_is_accepted_as_contact() -> None:
    result, _ = validate("validate_referral_contact", "Ana.Perez@Example.COM")
    assert result == {"referral_contact": "Ana.Perez@example.com"}


def test_area_outside_the_directory_is_reasked_and_a_spanish_name_is_understood() -> None:
    assert validate("validate_referral_area", "99999")[0] == {"referral_area": None}
    assert validate("validate_referral_area", "la villita")[0] == {
        "referral_area": "Little Village"
    }


def test_answers_to_choices_are_understood_in_both_languages() -> None:
    assert validate("validate_referral_kind", "soy empleador")[0] == {"referral_kind": "employer"}
    assert validate("validate_referral_need", "ayuda con el permiso de trabajo")[0] == {
        "referral_need": "immigration_help"
    }
    assert validate("validate_referral_language", "ES")[0] == {"referral_language": "es"}


def test_employers_are_asked_for_company_and_hiring_need_not_for_personal_need() -> None:
    dispatcher = CollectingDispatcher()
    slots = asyncio.run(
        ValidateReferralForm().required_slots(
            [], dispatcher, tracker({"referral_kind": "employer"}), {}
        )
    )
    assert "referral_company" in slots and "referral_hiring_need" in slots
    assert "referral_need" not in slots


def test_submit_stores_before_saying_received_and_routes_spanish_immigration_to_pilsen() -> None:
    started = [{"event": "active_loop", "name": "referral_form", "timestamp": time.time()}]
    messages, events = run(ActionSubmitReferral(), tracker(SEEKER_ES, events=started))
    text = messages[0]["text"]
    assert text.startswith("¡Recibido! Su número de referencia es AJC-")
    reference = text.split("referencia es ")[1].split(".")[0]
    row = get_referral(reference)
    assert row is not None and row.routed_to == "pilsen" and row.phone == "+13125550123"
    assert "Pilsen" in text
    assert SlotSet("referral_name", None) in events


def test_a_retried_submission_stores_one_referral() -> None:
    started = [{"event": "active_loop", "name": "referral_form", "timestamp": 1700000000.0}]
    first, _ = run(ActionSubmitReferral(), tracker(SEEKER_ES, events=started))
    second, _ = run(ActionSubmitReferral(), tracker(SEEKER_ES, events=started))
    assert first[0]["text"] == second[0]["text"]
    assert len(list_referrals()) == 1


def test_refused_consent_stores_nothing() -> None:
    messages, _ = run(
        ActionSubmitReferral(), tracker({"language": "en", "referral_consent": False})
    )
    assert "haven't saved anything" in messages[0]["text"]
    assert list_referrals() == []


def test_cancel_stops_the_form_and_forgets_answers() -> None:
    messages, events = run(ActionCancelReferral(), tracker(SEEKER_ES, intent="cancel"))
    assert "no guardé nada" in messages[0]["text"]
    assert ActiveLoop(None) in events and SlotSet("referral_contact", None) in events


def test_correcting_a_named_answer_clears_just_that_answer() -> None:
    _, events = run(
        ActionCorrectReferral(),
        tracker(
            SEEKER_ES,
            intent="correct_referral",
            entities=[{"entity": "referral_field", "value": "contact"}],
        ),
    )
    assert events == [SlotSet("referral_contact", None), SlotSet("referral_confirm", None)]


def test_summary_lists_answers_and_a_no_asks_what_to_change() -> None:
    messages, _ = run(ActionAskReferralConfirm(), tracker(SEEKER_ES, intent="affirm"))
    assert "Nombre: Ana" in messages[0]["text"] and "¿La envío?" in messages[0]["text"]
    messages, _ = run(ActionAskReferralConfirm(), tracker(SEEKER_ES, intent="deny"))
    assert messages[0]["text"] == "¿Qué quiere cambiar?"
    assert '/correct_referral{"referral_field":"contact"}' in [
        button["payload"] for button in messages[0]["buttons"]
    ]


def test_a_new_form_forgets_answers_and_consent_left_from_an_abandoned_one() -> None:
    _, events = run(ActionStartReferral(), tracker(SEEKER_ES, intent="request_referral"))
    assert SlotSet("referral_consent", None) in events
    assert events[-1] == SlotSet("referral_kind", None)


def test_a_new_form_keeps_the_kind_its_button_gave() -> None:
    started = tracker(
        {}, intent="request_referral", entities=[{"entity": "referral_kind", "value": "employer"}]
    )
    _, events = run(ActionStartReferral(), started)
    assert events[-1] == SlotSet("referral_kind", "employer")
