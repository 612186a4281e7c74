"""The call-back (referral) form: Rasa's form loop over bot.referrals.form.

Importing this starts nothing: stored referrals are sent to the partner by the delivery worker,
its own process (``python -m bot referrals worker``, started by ``make run``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import language_of, latest_entity, latest_intent, send
from bot.referrals import KINDS, form
from bot.replies import Reply
from bot.replies.referral import SUMMARY_FIELDS, summary_reply, which_field_reply
from bot.texts import render

FORM_SLOTS = form.form_slots()


def referral_slots(tracker: Tracker) -> dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}


def clear_form() -> list[EventType]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


def answer_validator(
    slot: str, interpret: Callable[[str], str | None], hint_key: str
) -> Callable[..., dict]:
    """A ``validate_<slot>`` method: keep what ``interpret`` understood, else re-ask with a hint."""

    def validate(
        self: FormValidationAction,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict:
        understood = interpret(str(value))
        if understood:
            return {slot: understood}
        dispatcher.utter_message(text=render(hint_key, language_of(tracker)))
        return {slot: None}

    return validate


def kind_of(text: str) -> str | None:
    return text if text in KINDS else form.interpret_kind(text)


def free_text(field: str) -> Callable[[str], str | None]:
    return lambda text: form.interpret_free_text(text, field)


class ValidateReferralForm(FormValidationAction):
    """Understands each answer in either language; a bad answer is re-asked with a hint."""

    def name(self) -> str:
        return "validate_referral_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return form.required_slots(
            tracker.get_slot("referral_kind"), tracker.get_slot("referral_consent")
        )

    validate_referral_kind = answer_validator("referral_kind", kind_of, "ref_kind_unclear")
    validate_referral_name = answer_validator(
        "referral_name", form.interpret_name, "ref_name_invalid"
    )
    validate_referral_company = answer_validator(
        "referral_company", free_text("company"), "ref_name_invalid"
    )
    validate_typed_contact = answer_validator(
        "referral_contact", form.interpret_contact, "ref_contact_invalid"
    )
    validate_referral_area = answer_validator(
        "referral_area", form.interpret_area, "ref_area_invalid"
    )
    validate_referral_need = answer_validator(
        "referral_need", form.interpret_need, "ref_need_unclear"
    )
    validate_referral_hiring_need = answer_validator(
        "referral_hiring_need", free_text("hiring_need"), "ref_hiring_need_invalid"
    )
    validate_referral_language = answer_validator(
        "referral_language", form.interpret_language, "ref_language_unclear"
    )
    validate_referral_time = answer_validator(
        "referral_time", free_text("preferred_time"), "ref_time_invalid"
    )

    def validate_referral_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict:
        """Over SMS "yes" to "call you at this number?" gives the number; else as typed."""
        answered, phone = form.contact_offer_answer(
            latest_intent(tracker), tracker.latest_message.get("metadata")
        )
        if answered:
            return {"referral_contact": phone}
        return self.validate_typed_contact(value, dispatcher, tracker, domain)

    def validate_referral_confirm(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict:
        return {"referral_confirm": True if value is True else None}


def wants_a_change(tracker: Tracker) -> bool:
    """The person said no to the summary, or asked to change something without saying what."""
    intent = latest_intent(tracker)
    field = latest_entity(tracker, "referral_field")
    return intent == "deny" or (intent == "correct_referral" and field is None)


class ActionStartReferral(Action):
    """Clears answers left from an abandoned form (slots carry over between sessions), so
    consent is always asked again; a kind given by the button that started the form is kept."""

    def name(self) -> str:
        return "action_start_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = latest_entity(tracker, "referral_kind")
        return [*clear_form(), SlotSet("referral_kind", kind)]


class ActionAskReferralConfirm(Action):
    """The summary to check before sending, or the choice of what to change."""

    def name(self) -> str:
        return "action_ask_referral_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots, language = referral_slots(tracker), language_of(tracker)
        reply = (
            which_field_reply(slots, language)
            if wants_a_change(tracker)
            else summary_reply(slots, language)
        )
        send(dispatcher, [reply])
        return []


def form_started_at(tracker: Tracker) -> float:
    """When this run of the form began: it makes a retried submission idempotent."""
    starts = [
        event.get("timestamp") or 0.0
        for event in tracker.events
        if event.get("event") == "active_loop" and event.get("name") == "referral_form"
    ]
    return starts[-1] if starts else 0.0


def consent_time(tracker: Tracker) -> datetime:
    times = [
        event.get("timestamp")
        for event in tracker.events
        if event.get("event") == "slot"
        and event.get("name") == "referral_consent"
        and event.get("value") is True
    ]
    moment = times[-1] if times and times[-1] else datetime.now(timezone.utc).timestamp()
    return datetime.fromtimestamp(moment, timezone.utc)


class ActionSubmitReferral(Action):
    """Stores the referral (or nothing, if consent was refused) and clears the form."""

    def name(self) -> str:
        return "action_submit_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = language_of(tracker)
        slots = referral_slots(tracker)
        if slots["referral_consent"] is not True or slots["referral_confirm"] is not True:
            send(dispatcher, [Reply(render("ref_consent_declined", language))])
            return clear_form()
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"{tracker.sender_id}/{form_started_at(tracker)}")
        reply = form.submit(
            slots,
            language,
            sender_id=tracker.sender_id,
            idempotency_key=str(key),
            consented_at=consent_time(tracker),
            sector_hint=tracker.get_slot("sector"),
        )
        send(dispatcher, [reply])
        return clear_form()


class ActionCancelReferral(Action):
    """Stops the form at any question and forgets its answers."""

    def name(self) -> str:
        return "action_cancel_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        send(dispatcher, [Reply(render("ref_cancelled", language_of(tracker)))])
        return [ActiveLoop(None), *clear_form()]


class ActionCorrectReferral(Action):
    """Clears one answer (chosen by button) so the form asks it again; the summary step then
    asks which answer to change when none was named."""

    def name(self) -> str:
        return "action_correct_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        field = latest_entity(tracker, "referral_field")
        if field in SUMMARY_FIELDS:
            return [SlotSet(f"referral_{field}", None), SlotSet("referral_confirm", None)]
        return [SlotSet("referral_confirm", None)]
