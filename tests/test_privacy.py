"""Personal data never sits in the stored conversations.

The masking table, and the call-back form over the real servers: the form still gets the real
phone number; the stored conversation does not keep it. The tracker store's own masking and
retention are tested in test_tracker_store.py, the staff commands in test_conversations.py.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered

from bot.privacy import Masker, mask_personal_data
from bot.referrals import get_referral
from devtools.servers import Assistant

PHONE_SHAPES = ("3125550147", "312-555-0147", "312 555 0147", "555-0147")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("SSN 123-45-6789", "SSN [ssn]"),
        ("mi seguro social es 123 45 6789", "mi seguro social es [ssn]"),
        ("my A-number is A123456789", "my A-number is [a-number]"),
        ("numero A-123-456-789 de USCIS", "numero [a-number] de USCIS"),
        ("a# 12345678", "[a-number]"),
        ("call me at (312) 603-7066", "call me at [phone]"),
        ("312.603.7066 o +1 773 555 0147", "[phone] o [phone]"),
        ("1-312-603-7066 after 5", "[phone] after 5"),
        ("mi cel 3126037066", "mi cel [phone]"),
        ("local 603-7066 only", "local [phone] only"),
        ("write to Ana.Perez@example.org!", "write to [email]!"),
        ("maria_g+jobs@mail.co.uk, gracias", "[email], gracias"),
        ("case 987654321012", "case [number]"),
        ("vivo en 60608, necesito trabajo", "vivo en 60608, necesito trabajo"),
        ("ZIP 60623-1234", "ZIP 60623-1234"),
        ("cita el 2026-11-24 a las 9:30", "cita el 2026-11-24 a las 9:30"),
    ],
)
def test_personal_data_is_masked_and_places_and_dates_stay(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


def test_masking_reaches_every_place_text_is_stored() -> None:
    user = UserUttered(
        "soy Maria, 312-555-0147",
        {"name": "inform", "confidence": 0.9},
        [{"entity": "contact", "value": "312-555-0147", "start": 10, "end": 22}],
        metadata={"language": "es", "form": {"note": "ana@example.org"}},
    ).as_dict()
    # Rasa's parse result repeats the message metadata (an SMS channel's sender phone, say).
    user["parse_data"]["metadata"] = {"sender_phone": "+13125550147"}
    masker = Masker({"Maria": "[name]"})
    masked = masker.event(user)
    assert masked["text"] == masked["parse_data"]["text"] == "soy [name], [phone]"
    assert masked["parse_data"]["entities"][0]["value"] == "[phone]"
    assert masked["parse_data"]["intent"]["name"] == "inform"
    assert masked["metadata"] == {"language": "es", "form": {"note": "[email]"}}
    assert masked["parse_data"]["metadata"] == {"sender_phone": "[phone]"}
    assert user["text"] == "soy Maria, 312-555-0147", "the live event is not changed"

    bot = masker.event(BotUttered("- Nombre: MARIA\n- Contacto: +13125550147").as_dict())
    assert bot["text"] == "- Nombre: [name]\n- Contacto: [phone]"
    assert masker.event(SlotSet("referral_name", "Maria").as_dict())["value"] is None
    assert masker.event(SlotSet("referral_time", "at 312-555-0147").as_dict())["value"] == (
        "at [phone]"
    )
    assert masker.event(SlotSet("location", "60608").as_dict())["value"] == "60608"
    assert Masker({"Al": "[name]"}).text("Always call Al") == "Always call Al", "too short"


# --- the call-back form over the real servers -----------------------------------------------


def tracker_rows(assistant: Assistant, sender: str) -> str:
    with sqlite3.connect(assistant.tracker_db) as conn:
        rows = conn.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)).fetchall()
    assert rows, "the conversation must be in the configured SQLite store"
    return "\n".join(data for (data,) in rows)


@pytest.mark.e2e
def test_referral_keeps_the_phone_and_the_stored_conversation_does_not(
    assistant: Assistant,
) -> None:
    me = assistant.new_sender()

    def say(text: str) -> str:
        return "\n".join(m.get("text", "") for m in assistant.say(me, text))

    say("quiero que me llamen")
    say("busco trabajo o capacitacion")
    say("si")
    say("Maria")
    say("mi cel es 312-555-0147")
    assert "0147" in tracker_rows(assistant, me), "while the form runs, its answers are kept"
    say("La Villita")
    say("ayuda con TPS o permiso de trabajo")
    say("ES")
    summary = say("en la mañana")
    assert "Nombre: Maria" in summary and "+13125550147" in summary, "read back from the store"
    reference = re.search(r"AJC-[A-Z0-9]{4}-[A-Z0-9]{2}", say("si"))
    assert reference

    rows = tracker_rows(assistant, me)
    assert not any(shape in rows for shape in (*PHONE_SHAPES, "13125550147"))
    assert "Maria" not in rows and "Nombre: [name]" in rows and "Contacto: [contact]" in rows
    referral = get_referral(reference.group(), settings=assistant.referral_settings)
    assert referral.phone == "+13125550147" and referral.name == "Maria"
