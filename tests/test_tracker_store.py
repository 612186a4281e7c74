"""The conversation store keeps every event exactly once while it saves without recounting:
across messages, new sessions, a full-history read and a restarted process."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import PROJECT_ROOT
from bot.tracker_store import MaskingSQLTrackerStore


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_ROOT / "domain.yml")


def open_store(db: Path, domain: Domain) -> MaskingSQLTrackerStore:
    """The store exactly as endpoints.yml configures it, on this test's file."""
    config = read_endpoints_from_path(PROJECT_ROOT / "endpoints.yml").tracker_store
    config.kwargs["db"] = str(db)
    store = TrackerStore.create(config, domain)
    assert isinstance(store, MaskingSQLTrackerStore)
    return store


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
