"""The conversation store (Rasa's SQL tracker store, bot.tracker_store) on a real SQLite file, as
endpoints.yml configures it: personal data is masked before it reaches the database while the
call-back form still reads its values back; every event is stored exactly once while it saves
without recounting (across messages, new sessions, a full-history read and a restarted
process); old conversations are deleted by the store's hourly maintenance.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
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
from bot.tracker_store import MaskingSQLTrackerStore

DAY = 86_400
PHONE_SHAPES = ("3125550147", "312-555-0147", "312 555 0147", "555-0147")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_ROOT / "domain.yml")


def open_store(db: Path, domain: Domain) -> MaskingSQLTrackerStore:
    """The store exactly as endpoints.yml configures it, on this test's file."""
    config = read_endpoints_from_path(PROJECT_ROOT / "endpoints.yml").tracker_store
    config.kwargs["db"] = str(db)
    store = TrackerStore.create(config, domain)
    assert isinstance(store, MaskingSQLTrackerStore), "Rasa fell back to another store"
    return store


@pytest.fixture
def store(tmp_path: Path, domain: Domain) -> MaskingSQLTrackerStore:
    """The tracker store exactly as endpoints.yml configures it, on a file of this test."""
    return open_store(tmp_path / "conversations.db", domain)


def stored_types(db: Path, sender: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [type_name for type_name, _ in rows]


def message(store: MaskingSQLTrackerStore, sender: str, text: str) -> DialogueStateTracker:
    """One turn as Rasa's processor does it: fetch or create, add events, save."""
    tracker = asyncio.run(store.get_or_create_tracker(sender))
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    return tracker


def test_each_event_is_stored_once_over_many_messages(tmp_path: Path, domain: Domain) -> None:
    db = tmp_path / "conversations.db"
    store = open_store(db, domain)
    for number in range(5):
        tracker = message(store, "ana", f"hola {number}")
    assert len(stored_types(db, "ana")) == len(tracker.events) == 1 + 5 * 3
    reread = asyncio.run(store.retrieve("ana"))
    assert [e for e in reread.events if isinstance(e, UserUttered)][-1].text == "hola 4"


def test_a_new_session_and_a_full_history_read_store_nothing_twice(
    tmp_path: Path, domain: Domain
) -> None:
    db = tmp_path / "conversations.db"
    store = open_store(db, domain)
    message(store, "luis", "hi")
    tracker = asyncio.run(store.get_or_create_tracker("luis"))
    tracker.update(SessionStarted(timestamp=tracker.events[-1].timestamp + 1))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    message(store, "luis", "hi again")
    full = asyncio.run(store.retrieve_full_tracker("luis"))
    assert len(full.events) == len(stored_types(db, "luis"))
    message(store, "luis", "after staff read the whole history")
    types = stored_types(db, "luis")
    assert types.count("user") == 3
    assert types.count("session_started") == 1


def test_another_process_continues_where_the_first_stopped(tmp_path: Path, domain: Domain) -> None:
    """A replica that never saw the conversation (or was restarted) counts what is stored."""
    db = tmp_path / "conversations.db"
    message(open_store(db, domain), "maria", "hola")
    other = open_store(db, domain)
    message(other, "maria", "60623")
    assert stored_types(db, "maria").count("user") == 2
    assert len(stored_types(db, "maria")) == 1 + 2 * 3


def test_the_embedded_database_lets_the_report_read_while_the_assistant_writes(
    tmp_path: Path, domain: Domain
) -> None:
    db = tmp_path / "conversations.db"
    message(open_store(db, domain), "ana", "hi")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- masking in the store -------------------------------------------------------------------


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
