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


def render(response: str, language: str | None) -> dict:
    tracker = DialogueStateTracker.from_events("test", [], slots=DOMAIN.slots)
    if language:
        tracker.update(SlotSet("language", language))
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return asyncio.run(nlg.generate(response, tracker, "rest"))


def payloads(message: dict) -> list[str]:
    """Intent payloads must match across languages; answer payloads are typed in the language."""
    buttons = message.get("buttons") or []
    return [b["payload"] if b["payload"].startswith("/") else "answer" for b in buttons]


@pytest.mark.parametrize("response", RESPONSES)
def test_each_response_has_one_english_and_one_spanish_variation(response: str) -> None:
    variations = DOMAIN.responses[response]
    defaults = [v for v in variations if not v.get("condition")]
    spanish = [
        v
        for v in variations
        if v.get("condition") == [{"type": "slot", "name": "language", "value": "es"}]
    ]
    assert len(defaults) == 1, "the English default variation is missing or doubled"
    assert len(spanish) == 1, "the Spanish variation is missing or its condition is misspelt"
    assert not any(v.get("channel") for v in variations), "channel variants beat the Spanish one"


@pytest.mark.parametrize("response", RESPONSES)
def test_each_response_renders_in_both_languages(response: str) -> None:
    english, spanish = render(response, "en"), render(response, "es")
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
