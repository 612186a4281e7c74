"""SMS and WhatsApp end to end: signed webhooks into the real Rasa and action servers, replies
read from a local fake of Twilio's Messages API (devtools/fake_twilio.py). Each test is what a
person would text; the checks are what their phone would show."""

from __future__ import annotations

import re
import sqlite3

import pytest

from bot.channels.sms_text import conversation_id
from bot.referrals import get_referral
from devtools.fake_twilio import SENDER_KEY, FakeTwilio, Phone
from devtools.servers import Assistant

pytestmark = pytest.mark.e2e
REFERENCE = re.compile(r"AJC-[A-Z0-9]{4}-[A-Z0-9]{2}")


def sms(assistant: Assistant, twilio: FakeTwilio) -> Phone:
    return Phone.new(assistant.url, twilio)


def whatsapp(assistant: Assistant, twilio: FakeTwilio) -> Phone:
    return Phone.new(assistant.url, twilio, whatsapp=True)


def stored_rows(assistant: Assistant, phone: Phone) -> list[str]:
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ?",
            (conversation_id(phone.number, SENDER_KEY),),
        ).fetchall()
    return [data for (data,) in rows]


def test_english_job_seeker_over_sms_finds_the_nearest_center(
    assistant: Assistant, twilio: FakeTwilio
) -> None:
    me = sms(assistant, twilio)
    greeting = "\n".join(me.send("hi"))
    assert "1. Nearest job center" in greeting and "4. Employers" in greeting
    assert "/find_ajc" not in greeting, "payloads are never shown"
    assert "ZIP code" in "\n".join(me.send("1"))
    answer = "\n".join(me.send("60623"))
    assert "Pilsen" in answer and "1700 W. 18th St" in answer and "miles" in answer
    assert all(len(text) <= 320 for text in twilio.sent_to(me.number))


def test_spanish_new_arrival_over_whatsapp(assistant: Assistant, twilio: FakeTwilio) -> None:
    me = whatsapp(assistant, twilio)
    answer = "\n".join(me.send("acabo de llegar de venezuela"))
    assert "Pilsen" in answer and "asesoría legal" in answer
    assert all(sent["From"] == f"whatsapp:{'+14155238886'}" for sent in twilio.sent_to(me.number))
    greeting = "\n".join(me.send("hola"))
    assert "1. Centro más cercano" in greeting and "3. Recién llegados" in greeting
    assert "código postal" in "\n".join(me.send("uno"))
    assert "Gracias. No puedo leer ubicaciones" in "\n".join(
        me.send("", Latitude="41.85", Longitude="-87.66")
    )
    assert "solo puedo leer mensajes de texto" in "\n".join(
        me.send("", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1")
    )


def test_call_back_request_completed_over_sms_with_the_texting_number(
    assistant: Assistant, twilio: FakeTwilio
) -> None:
    me = sms(assistant, twilio)
    assert "1. Looking for work or training" in "\n".join(me.send("can someone call me"))
    assert "Is that OK?" in "\n".join(me.send("1"))
    assert "What name" in "\n".join(me.send("1"))
    offer = "\n".join(me.send("Maria"))
    assert f"ending in {me.number[-4:]}" in offer and "1. Yes, this number" in offer
    assert "ZIP code" in "\n".join(me.send("1"))
    me.send("60623")
    me.send("1")  # finding a job
    me.send("English")
    summary = "\n".join(me.send("mornings"))
    assert f"Contact: {me.number}" in summary
    received = "\n".join(me.send("1"))
    reference = REFERENCE.search(received)
    assert reference, received
    referral = get_referral(reference.group(), settings=assistant.referral_settings)
    assert referral is not None and referral.phone == me.number
    rows = stored_rows(assistant, me)
    assert rows
    assert [row for row in rows if me.number[-7:] in row] == [], "the phone must be masked"


def test_spanish_call_back_over_whatsapp_with_another_number(
    assistant: Assistant, twilio: FakeTwilio
) -> None:
    me = whatsapp(assistant, twilio)
    me.send("quiero que me llamen")
    me.send("1")  # busco trabajo o capacitación
    me.send("si")
    offer = "\n".join(me.send("Lucía"))
    assert f"termina en {me.number[-4:]}" in offer and "2. No, a otro" in offer
    assert "¿A qué teléfono o correo" in "\n".join(me.send("2"))
    assert "código postal" in "\n".join(me.send("773-555-0199"))
    for answer in ("60608", "2", "ES"):
        me.send(answer)
    assert "+17735550199" in "\n".join(me.send("en la tarde"))
    assert REFERENCE.search("\n".join(me.send("1")))


def test_unsigned_or_wrongly_signed_webhooks_are_refused(
    assistant: Assistant, twilio: FakeTwilio
) -> None:
    me = sms(assistant, twilio)
    fields = {"From": me.number, "To": me.to, "Body": "hi", "NumMedia": "0"}
    assert me.post(fields, signed_with=None) == 403
    assert me.post(fields, signed_with="not-the-auth-token") == 403
    assert twilio.sent_to(me.number) == []
    assert stored_rows(assistant, me) == []


def test_a_long_reply_arrives_whole_in_order_in_sms_sized_parts(
    assistant: Assistant, twilio: FakeTwilio
) -> None:
    me = sms(assistant, twilio)
    web = "\n".join(
        m.get("text", "") for m in assistant.say(assistant.new_sender(), "list all job centers")
    )
    parts = me.send("list all job centers")
    assert len(web) > 2 * 320 and len(parts) >= 3
    assert all(len(part) <= 320 for part in parts)
    assert re.sub(r"\s+", " ", " ".join(parts)).startswith(re.sub(r"\s+", " ", web))


def test_a_message_too_long_for_the_assistant_gets_a_polite_reply(
    assistant: Assistant, twilio: FakeTwilio
) -> None:
    me = whatsapp(assistant, twilio)
    (reply,) = me.send("necesito trabajo " * 150)
    assert "demasiado largo" in reply and "2000" in reply


@pytest.mark.parametrize(
    ("first", "stopped", "started"),
    [
        ("hi", "You won't get more messages", "Welcome back"),
        ("hola", "Ya no recibirá", "Bienvenido"),
    ],
)
def test_stop_silences_until_start_in_the_conversations_language(
    assistant: Assistant, twilio: FakeTwilio, first: str, stopped: str, started: str
) -> None:
    me = sms(assistant, twilio)
    me.send(first)
    assert stopped in "\n".join(me.send("STOP"))
    assert me.send(first) == []
    assert started in "\n".join(me.send("Start"))
    assert me.send(first), "after START the assistant answers again"


def test_help_and_ayuda_answer_in_their_own_language(
    assistant: Assistant, twilio: FakeTwilio
) -> None:
    me = sms(assistant, twilio)
    assert "Reply STOP to stop" in "\n".join(me.send("HELP"))
    assert "Responda STOP" in "\n".join(me.send("AYUDA"))
