"""The call-back form over the REST webhook, as a Spanish-speaking new arrival and an English-
speaking employer would use it. Each referral must be in the store before "received"."""

from __future__ import annotations

import re

import pytest

from bot.referrals import get_referral
from devtools.servers import Assistant

pytestmark = pytest.mark.e2e
REFERENCE = re.compile(r"AJC-[A-Z0-9]{4}-[A-Z0-9]{2}")


def texts(messages: list[dict]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


def test_spanish_new_arrival_leaves_a_referral_after_a_wrong_phone(assistant: Assistant) -> None:
    me = assistant.new_sender()
    answer = texts(assistant.say(me, "acabo de llegar de venezuela, me pueden ayudar?"))
    assert "Pilsen" in answer and "asesoría legal" in answer
    assert "¿busca trabajo o capacitación" in texts(assistant.say(me, "quiero que me llamen"))
    assert "¿Está de acuerdo?" in texts(assistant.say(me, "busco trabajo o capacitacion"))
    assert "nombre" in texts(assistant.say(me, "si"))
    assert "teléfono o correo" in texts(assistant.say(me, "Maria"))
    assert "10 dígitos" in texts(assistant.say(me, "312 55"))
    assert "código postal" in texts(assistant.say(me, "mi cel es 312-555-0147"))
    assert "¿Con qué necesita ayuda?" in texts(assistant.say(me, "La Villita"))
    assert "idioma" in texts(assistant.say(me, "ayuda con TPS o permiso de trabajo"))
    assert "¿A qué hora" in texts(assistant.say(me, "ES"))
    summary = texts(assistant.say(me, "en la mañana"))
    assert "Nombre: Maria" in summary and "+13125550147" in summary
    received = texts(assistant.say(me, "si"))
    reference = REFERENCE.search(received)
    assert reference, received
    row = get_referral(reference.group(), settings=assistant.referral_settings)
    assert row is not None and row.routed_to == "pilsen" and row.preferred_language == "es"


def test_english_employer_leaves_a_referral_and_corrects_an_answer(assistant: Assistant) -> None:
    me = assistant.new_sender()
    answer = texts(assistant.say(me, "how does on the job training reimbursement work"))
    assert "50%" in answer
    assistant.say(me, "can someone from your team call me")
    assert "Is that OK?" in texts(assistant.say(me, "I'm an employer"))
    assistant.say(me, "yes")
    assert "company" in texts(assistant.say(me, "Sam Lee"))
    assistant.say(me, "Lakeview Logistics")
    assistant.say(me, "sam@lakeview-logistics.example")
    assistant.say(me, "60608")
    assistant.say(me, "5 forklift drivers")
    assistant.say(me, "EN")
    assert "Company: Lakeview Logistics" in texts(assistant.say(me, "afternoons"))
    change = assistant.say(me, "no")
    assert change[0]["text"] == "What would you like to change?"
    contact_button = next(b for b in change[0]["buttons"] if b["title"] == "Phone or email")
    assert "phone number or email" in texts(assistant.say(me, contact_button["payload"]))
    summary = assistant.say(me, "312-555-0188")
    assert "Contact: +13125550188" in texts(summary)
    send = next(b for m in summary for b in m.get("buttons") or [] if b["title"] == "Yes, send it")
    received = texts(assistant.say(me, send["payload"]))
    row = get_referral(REFERENCE.search(received).group(), settings=assistant.referral_settings)
    assert row.kind == "employer" and row.phone == "+13125550188" and row.email is None
    assert row.routed_to == "sector_tdl", (
        "an employer hiring forklift drivers goes to the TDL center"
    )


def test_cancel_at_any_question_stores_nothing(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assistant.say(me, "hola")
    assistant.say(me, "quiero que me contacten")
    assistant.say(me, "busco trabajo")
    assistant.say(me, "sí")
    assert "no guardé nada" in texts(assistant.say(me, "olvidalo"))
    assert "código postal" not in texts(assistant.say(me, "gracias"))


def test_refusing_consent_stores_nothing(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assistant.say(me, "can someone call me back")
    assistant.say(me, "looking for work or training")
    assert "haven't saved anything" in texts(assistant.say(me, "no"))
