"""Every reply in domain.yml renders, non-empty, in English and in Spanish.

Rasa sends nothing at all for a response whose conditions match nothing, and does not report a
misspelt slot name in a condition, so these tests render each response the way the server does.
"""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot import PROJECT_ROOT

DOMAIN = Domain.load(PROJECT_ROOT / "domain.yml")
RESPONSES = sorted(DOMAIN.responses)
SPANISH_MARKERS = ("¿", "¡", "á", "é", "í", "ó", "ú", "ñ", " de ", " el ", " la ", " que ")


def render(response: str, language: str | None, channel: str = "rest") -> dict:
    tracker = DialogueStateTracker.from_events("test", [], slots=DOMAIN.slots)
    if language:
        tracker.update(SlotSet("language", language))
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return asyncio.run(nlg.generate(response, tracker, channel))


def payloads(message: dict) -> list[str]:
    """Intent payloads must match across languages; answer payloads are typed in the language."""
    buttons = message.get("buttons") or []
    return [b["payload"] if b["payload"].startswith("/") else "answer" for b in buttons]


SPANISH = [{"type": "slot", "name": "language", "value": "es"}]


def channels(response: str) -> set[str | None]:
    """The channels a response has its own variations for (None: every other channel)."""
    return {variation.get("channel") for variation in DOMAIN.responses[response]}


@pytest.mark.parametrize("response", RESPONSES)
def test_each_response_has_one_english_and_one_spanish_variation_per_channel(
    response: str,
) -> None:
    """Rasa prefers a channel's variations to the general ones, so a channel with an English
    variation but no Spanish one would answer Spanish speakers there in English."""
    for channel in channels(response):
        variations = [v for v in DOMAIN.responses[response] if v.get("channel") == channel]
        defaults = [v for v in variations if not v.get("condition")]
        spanish = [v for v in variations if v.get("condition") == SPANISH]
        assert len(defaults) == 1, f"{channel}: English default variation missing or doubled"
        assert len(spanish) == 1, f"{channel}: Spanish variation missing or condition misspelt"
        assert len(variations) == 2, f"{channel}: a variation with another condition"


CHANNEL_RESPONSES = [(r, c) for r in RESPONSES for c in sorted(channels(r) - {None})]


@pytest.mark.parametrize("response", RESPONSES)
def test_each_response_renders_in_both_languages(response: str) -> None:
    assert_both_languages(response, "rest")


@pytest.mark.parametrize(("response", "channel"), CHANNEL_RESPONSES)
def test_each_channel_variation_renders_in_both_languages(response: str, channel: str) -> None:
    assert_both_languages(response, channel)
    assert render(response, "es", channel) != render(response, "es", "rest")


def test_sms_consent_never_tells_people_to_text_twilios_opt_out_word() -> None:
    """CANCEL opts a number out of all texts at Twilio (docs/sms-whatsapp.md)."""
    assert '"cancel"' in render("utter_ask_referral_consent", "en")["text"]
    for language in ("en", "es"):
        text = render("utter_ask_referral_consent", language, "twilio")["text"].lower()
        assert '"cancel"' not in text and '"stop"' not in text


def assert_both_languages(response: str, channel: str) -> None:
    english, spanish = render(response, "en", channel), render(response, "es", channel)
    assert english["text"].strip() and spanish["text"].strip()
    assert english["text"] != spanish["text"]
    assert any(marker in spanish["text"].lower() for marker in SPANISH_MARKERS)
    assert sorted(payloads(english)) == sorted(payloads(spanish)), "buttons differ by language"


@pytest.mark.parametrize("language", [None, "other"])
def test_conversations_without_a_known_language_get_english(language: str | None) -> None:
    assert render("utter_greet", language)["text"] == render("utter_greet", "en")["text"]


def test_unsupported_language_reply_speaks_both_languages() -> None:
    text = render("utter_unsupported_language", "other")["text"]
    assert "English and Spanish" in text and "inglés y español" in text
    assert "LevelUpAJC.org" in text
