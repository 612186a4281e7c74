"""Personal data never sits in the stored conversations, and old conversations go away.

The masking table, the tracker store on a real SQLite file (as configured in endpoints.yml), the
call-back form over the real servers (the form still gets the real phone number; the stored
conversation does not keep it), and the retention purge, by the store and by the staff command.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import PROJECT_ROOT
from bot.conversations import DEFAULT_RETENTION_DAYS, ConversationsConfigError, retention_days
from bot.privacy import Masker, mask_personal_data
from bot.referrals import get_referral
from bot.tracker_store import MaskingSQLTrackerStore
from devtools.servers import Assistant

DAY = 86_400
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
    masker = Masker({"Maria": "[name]"})
    masked = masker.event(user)
    assert masked["text"] == masked["parse_data"]["text"] == "soy [name], [phone]"
    assert masked["parse_data"]["entities"][0]["value"] == "[phone]"
    assert masked["parse_data"]["intent"]["name"] == "inform"
    assert masked["metadata"] == {"language": "es", "form": {"note": "[email]"}}
    assert user["text"] == "soy Maria, 312-555-0147", "the live event is not changed"

    bot = masker.event(BotUttered("- Nombre: MARIA\n- Contacto: +13125550147").as_dict())
    assert bot["text"] == "- Nombre: [name]\n- Contacto: [phone]"
    assert masker.event(SlotSet("referral_name", "Maria").as_dict())["value"] is None
    assert masker.event(SlotSet("referral_time", "at 312-555-0147").as_dict())["value"] == (
        "at [phone]"
    )
    assert masker.event(SlotSet("location", "60608").as_dict())["value"] == "60608"
    assert Masker({"Al": "[name]"}).text("Always call Al") == "Always call Al", "too short"


# --- the tracker store on a real SQLite file ------------------------------------------------


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_ROOT / "domain.yml")


@pytest.fixture
def store(tmp_path: Path, domain: Domain) -> MaskingSQLTrackerStore:
    """The tracker store exactly as endpoints.yml configures it, on a file of this test."""
    config = read_endpoints_from_path(PROJECT_ROOT / "endpoints.yml").tracker_store
    config.kwargs["db"] = str(tmp_path / "conversations.db")
    created = TrackerStore.create(config, domain)
    assert isinstance(created, MaskingSQLTrackerStore), "Rasa fell back to another store"
    return created


def stored(store: MaskingSQLTrackerStore, sender: str | None = None) -> list[dict]:
    db = store.engine.url.database
    with sqlite3.connect(db) as conn:
        query = "SELECT data FROM events" + (" WHERE sender_id = ?" if sender else "")
        rows = conn.execute(query, (sender,) if sender else ()).fetchall()
    return [json.loads(data) for (data,) in rows]


def save(store: MaskingSQLTrackerStore, tracker: DialogueStateTracker, *events: Event) -> None:
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))


def new_tracker(store: MaskingSQLTrackerStore, sender: str) -> DialogueStateTracker:
    return DialogueStateTracker(sender, store.domain.slots)


def test_store_masks_text_before_it_reaches_the_database(store: MaskingSQLTrackerStore) -> None:
    tracker = new_tracker(store, "ana")
    save(
        store,
        tracker,
        ActionExecuted("action_listen"),
        UserUttered("text me at 773 555 0147 or ana@example.org", {"name": "greet"}),
        BotUttered("Got it: 773 555 0147"),
        SlotSet("location", "60608"),
    )
    text = json.dumps(stored(store))
    assert "0147" not in text and "ana@example.org" not in text
    assert "text me at [phone] or [email]" in text and "60608" in text


def test_form_reads_its_values_back_and_they_are_masked_when_it_ends(
    store: MaskingSQLTrackerStore,
) -> None:
    tracker = new_tracker(store, "maria")
    save(store, tracker, ActionExecuted("action_listen"), UserUttered("quiero que me llamen"))
    save(
        store,
        tracker,
        ActiveLoop("referral_form"),
        UserUttered("Maria Lopez"),
        SlotSet("referral_name", "Maria Lopez"),
        UserUttered("mi cel es 312-555-0147"),
        SlotSet("referral_contact", "+13125550147"),
        BotUttered("- Nombre: Maria Lopez\n- Contacto: +13125550147"),
    )
    during = asyncio.run(store.retrieve("maria"))
    assert during.get_slot("referral_contact") == "+13125550147"
    assert during.get_slot("referral_name") == "Maria Lopez"

    save(
        store,
        during,
        ActiveLoop(None),
        BotUttered("Recibimos su solicitud."),
        SlotSet("referral_name", None),
        SlotSet("referral_contact", None),
    )
    text = json.dumps(stored(store, "maria"), ensure_ascii=False)
    assert "Maria" not in text and "Lopez" not in text
    assert not any(shape in text for shape in (*PHONE_SHAPES, "13125550147"))
    assert "[name]" in text and "mi cel es [phone]" in text
    assert "Nombre: [name]" in text and "Contacto: [contact]" in text


def test_form_left_unfinished_is_masked_once_its_session_is_over(
    store: MaskingSQLTrackerStore,
) -> None:
    tracker = new_tracker(store, "left")
    save(
        store,
        tracker,
        ActiveLoop("referral_form"),
        UserUttered("312-555-0147"),
        SlotSet("referral_contact", "+13125550147"),
    )
    store.maintain_if_due()
    assert "0147" in json.dumps(stored(store, "left")), "the session is still open"

    store._next_maintenance = 0.0
    store.maintain_if_due(now=time.time() + store.abandoned_after_seconds() + 60)
    assert "0147" not in json.dumps(stored(store, "left"))


def test_a_value_that_cannot_be_stored_fails_one_message_not_the_server(
    store: MaskingSQLTrackerStore,
) -> None:
    with pytest.raises(UnicodeEncodeError):
        asyncio.run(store.retrieve("\ud800"))  # stock Rasa 3.6 exits here (SystemExit)
    assert asyncio.run(store.retrieve("nobody")) is None


# --- retention ------------------------------------------------------------------------------


def conversation_at(store: MaskingSQLTrackerStore, sender: str, moment: float) -> None:
    save(
        store,
        new_tracker(store, sender),
        ActionExecuted("action_session_start", timestamp=moment),
        SessionStarted(timestamp=moment),
        UserUttered("hola", {"name": "greet"}, timestamp=moment),
    )


def senders(store: MaskingSQLTrackerStore) -> set[str]:
    with sqlite3.connect(store.engine.url.database) as conn:
        return {row[0] for row in conn.execute("SELECT DISTINCT sender_id FROM events")}


def test_store_deletes_old_conversations_at_most_once_an_hour(
    tmp_path: Path, domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AJC_RETENTION_DAYS", "30")
    store = MaskingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    now = time.time()
    conversation_at(store, "today", now)  # the first save runs the maintenance
    conversation_at(store, "old", now - 31 * DAY)
    conversation_at(store, "recent", now - 29 * DAY)
    assert senders(store) == {"old", "recent", "today"}

    store._next_maintenance = 0.0
    store.maintain_if_due()
    assert senders(store) == {"recent", "today"}

    conversation_at(store, "old again", now - 40 * DAY)
    store.maintain_if_due()
    assert "old again" in senders(store), "no second purge within the hour"


def test_retention_setting() -> None:
    assert retention_days({}) == DEFAULT_RETENTION_DAYS == 90
    assert retention_days({"AJC_RETENTION_DAYS": " 30 "}) == 30
    for wrong in ("0", "-5", "ninety", "1.5"):
        with pytest.raises(ConversationsConfigError):
            retention_days({"AJC_RETENTION_DAYS": wrong})


def run_bot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_staff_purge_command_deletes_only_old_conversations(
    store: MaskingSQLTrackerStore,
) -> None:
    now = time.time()
    conversation_at(store, "autumn", now - 10 * DAY)  # the first save runs the maintenance
    conversation_at(store, "spring", now - 100 * DAY)
    url = f"sqlite:///{store.engine.url.database}"

    purged = run_bot("conversations", "purge", "--db-url", url)
    assert purged.returncode == 0, purged.stderr
    assert "Deleted 1 conversation(s)" in purged.stdout and "90 day(s)" in purged.stdout
    assert senders(store) == {"autumn"}

    shorter = run_bot("conversations", "purge", "--db-url", url, env={"AJC_RETENTION_DAYS": "7"})
    assert "Deleted 1 conversation(s)" in shorter.stdout and senders(store) == set()

    wrong = run_bot("conversations", "purge", "--db-url", url, env={"AJC_RETENTION_DAYS": "x"})
    assert wrong.returncode == 2 and "AJC_RETENTION_DAYS" in wrong.stderr


def test_staff_mask_command_cleans_a_database_written_before_masking(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
            " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
            " action_name VARCHAR(255), data TEXT)"
        )
        event = UserUttered("my SSN is 123-45-6789").as_dict()
        conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            ("x", "user", time.time(), json.dumps(event)),
        )
    masked = run_bot("conversations", "mask", "--db-url", f"sqlite:///{db}")
    assert masked.returncode == 0, masked.stderr
    with sqlite3.connect(db) as conn:
        (data,) = conn.execute("SELECT data FROM events").fetchone()
    assert "6789" not in data and "my SSN is [ssn]" in data


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
