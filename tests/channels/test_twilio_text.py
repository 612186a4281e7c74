"""The SMS / WhatsApp text rules on plain functions: signatures, numbered choices, picking a
choice, splitting, keywords, the pseudonym and the call-back offer's state."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from bot.channels import sms_text
from bot.channels.twilio import TwilioSettings
from devtools.fake_twilio import signature

# Twilio's documented example (twilio.com/docs/usage/security#validating-requests).
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_FIELDS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}


def test_test_signer_reproduces_twilios_documented_signature() -> None:
    assert signature(DOC_URL, DOC_FIELDS, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_the_channels_check_accepts_twilios_signature_and_nothing_else() -> None:
    check = RequestValidator("12345")
    good = signature(DOC_URL, DOC_FIELDS, "12345")
    assert check.validate(DOC_URL, DOC_FIELDS, good)
    assert not check.validate(DOC_URL, {**DOC_FIELDS, "Digits": "9999"}, good)
    assert not check.validate("https://mycompany.com/other.php", DOC_FIELDS, good)
    assert not check.validate(DOC_URL, DOC_FIELDS, signature(DOC_URL, DOC_FIELDS, "54321"))


def test_buttons_become_numbered_lines_without_payloads() -> None:
    shown = sms_text.with_choices("How can I help?", ["Nearest job center", "Training"])
    assert shown == "How can I help?\n1. Nearest job center\n2. Training"


@pytest.mark.parametrize(
    "reply", ["1", "1.", "#1", " uno ", "One", "primero", "nearest JOB center"]
)
def test_a_number_a_number_word_or_the_title_picks_the_choice(reply: str) -> None:
    choices = [("Nearest job center", "/find_ajc"), ("Capacitación", "/ask_training")]
    assert sms_text.pick_choice(reply, choices) == "/find_ajc"


def test_titles_match_without_accents_and_other_replies_pick_nothing() -> None:
    choices = [("Nearest job center", "/find_ajc"), ("Capacitación", "/ask_training")]
    assert sms_text.pick_choice("capacitacion", choices) == "/ask_training"
    assert sms_text.pick_choice("3", choices) is None
    assert sms_text.pick_choice("60623", choices) is None
    assert sms_text.pick_choice("1", []) is None


def test_long_text_is_split_in_order_at_word_ends_within_the_limit() -> None:
    text = " ".join(f"word{n}" for n in range(400))
    parts = sms_text.split_message(text, 320)
    assert all(len(part) <= 320 for part in parts)
    assert " ".join(parts) == text


def test_split_prefers_paragraphs_and_cuts_unbroken_text_hard() -> None:
    text = "a" * 200 + "\n\n" + "b" * 200
    assert sms_text.split_message(text, 320) == ["a" * 200, "b" * 200]
    assert sms_text.split_message("x" * 700, 320) == ["x" * 320, "x" * 320, "x" * 60]


@pytest.mark.parametrize(("sender", "count"), [("+13125550147", 7), ("whatsapp:+13125550147", 2)])
def test_a_2000_character_reply_fits_each_channels_messages(sender: str, count: int) -> None:
    reply = " ".join(["Bring an ID and your resume to the job center."] * 43)[:2000]
    parts = sms_text.split_message(reply, sms_text.max_chars(sender))
    assert len(reply) == 2000 and len(parts) == count
    assert " ".join(parts) == reply


def test_message_size_depends_on_the_channel() -> None:
    assert sms_text.max_chars("+13125550147") == 320
    assert sms_text.max_chars("whatsapp:+13125550147") == 1600


@pytest.mark.parametrize(
    ("text", "kind", "language"),
    [
        ("STOP", "stop", None),
        ("stop.", "stop", None),
        ("Unsubscribe", "stop", None),
        ("START", "start", None),
        ("yes", "start_when_stopped", None),
        ("HELP", "help", "en"),
        ("Ayuda", "help", "es"),
    ],
)
def test_keywords_are_whole_messages(text: str, kind: str, language: str | None) -> None:
    assert sms_text.keyword(text) == sms_text.Keyword(kind, language)


@pytest.mark.parametrize("text", ["please stop texting about jobs", "necesito ayuda", "hola"])
def test_sentences_with_keywords_are_conversation(text: str) -> None:
    assert sms_text.keyword(text) is None


def test_the_pseudonym_is_stable_keyed_and_hides_the_number() -> None:
    one = sms_text.conversation_id("+13125550147", "key")
    assert one == sms_text.conversation_id("+13125550147", "key")
    assert one != sms_text.conversation_id("+13125550147", "other key")
    assert one != sms_text.conversation_id("whatsapp:+13125550147", "key")
    assert "5550147" not in one


def test_only_us_numbers_are_offered_for_a_call_back() -> None:
    assert sms_text.callback_phone("whatsapp:+13125550147") == "+13125550147"
    assert sms_text.callback_phone("+584121234567") is None


def _asked(slot: str) -> dict:
    return {"event": "slot", "name": "requested_slot", "value": slot}


def _said(intent: str) -> dict:
    return {"event": "user", "text": intent, "parse_data": {"intent": {"name": intent}}}


def test_a_no_to_the_offered_number_lasts_until_the_form_starts_again() -> None:
    start = {"event": "active_loop", "name": "referral_form"}
    events = [start, _asked("referral_consent"), _said("affirm"), _asked("referral_contact")]
    assert not sms_text.contact_offer_declined(events)
    events.append(_said("deny"))
    assert sms_text.contact_offer_declined(events)
    assert not sms_text.contact_offer_declined([*events, start])


def test_last_turn_is_the_replies_since_the_person_last_wrote() -> None:
    button = {"title": "Training", "payload": "/ask_training"}
    events = [
        {"event": "bot", "text": "old", "data": {"buttons": [button]}},
        _said("greet"),
        {
            "event": "bot",
            "text": "Hi",
            "data": {"buttons": [button]},
            "metadata": {"utter_action": "x"},
        },
    ]
    (message,) = sms_text.last_turn(events)
    assert message["text"] == "Hi" and message["utter_action"] == "x"
    assert sms_text.buttons(message) == [("Training", "/ask_training")]


def test_settings_need_the_secrets_and_default_the_rest() -> None:
    with pytest.raises(ValueError, match="sender_key"):
        TwilioSettings.from_credentials(
            {"account_sid": "AC1", "auth_token": "t", "sms_number": "+1"}
        )
    settings = TwilioSettings.from_credentials(
        {"account_sid": "AC1", "auth_token": "t", "sms_number": "+13125550100", "sender_key": "k"}
    )
    assert settings.whatsapp_number == "+13125550100"
    assert settings.api_base == "https://api.twilio.com"
