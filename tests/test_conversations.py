"""Where the stored conversations are, how long they are kept, and the staff commands on them.

One rule finds the database for ``python -m bot conversations purge|mask`` and ``python -m bot
report`` alike (``--db``, ``--endpoints``, ``AJC_TRACKER_DB_URL``, endpoints.yml); a missing
SQLite file is an error, never an empty database created in its place.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import UserUttered

from bot import PROJECT_ROOT
from bot.__main__ import main
from bot.conversations.retention import DEFAULT_RETENTION_DAYS, retention_days
from bot.conversations.store import (
    EVENTS,
    TRACKER_DB_ENV,
    ConversationsConfigError,
    open_existing,
    tracker_db_url,
)

DAY = 86_400
PROD_ENDPOINTS = PROJECT_ROOT / "deploy" / "endpoints.prod.yml"
PROD_ENVIRONMENT = {
    "AJC_PG_HOST": "db.internal",
    "AJC_PG_PORT": "5433",
    "AJC_PG_DB": "ajc",
    "AJC_PG_USER": "ajc",
    "AJC_PG_PASSWORD": "pass:word",
}


def write_conversations(db: Path, last_message_days_ago: dict[str, float]) -> str:
    """A tracker database with one message per sender at the given age; returns its URL."""
    url = f"sqlite:///{db}"
    engine = sa.create_engine(url)
    EVENTS.create(engine, checkfirst=True)
    now = time.time()
    with engine.begin() as conn:
        for sender, days_ago in last_message_days_ago.items():
            moment = now - days_ago * DAY
            data = UserUttered("hola", {"name": "greet"}, timestamp=moment).as_dict()
            conn.execute(
                sa.insert(EVENTS).values(
                    sender_id=sender, type_name="user", timestamp=moment, data=json.dumps(data)
                )
            )
    engine.dispose()
    return url


def senders(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT DISTINCT sender_id FROM events")}


# --- where the conversations are ------------------------------------------------------------


def test_the_database_is_found_by_one_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TRACKER_DB_ENV, raising=False)
    local = f"sqlite:///{PROJECT_ROOT / 'var' / 'conversations.db'}"
    assert tracker_db_url() == local, "the tracker store of endpoints.yml, from the project"
    assert tracker_db_url(environ={TRACKER_DB_ENV: " postgresql://h/db "}) == "postgresql://h/db"
    environ = {TRACKER_DB_ENV: "postgresql://h/db"}
    assert tracker_db_url("sqlite:///x.db", environ=environ) == "sqlite:///x.db", "--db first"
    endpoints = PROJECT_ROOT / "endpoints.yml"
    assert tracker_db_url(endpoints=endpoints, environ=environ) == local, "then --endpoints"


def test_production_endpoints_name_postgresql_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in PROD_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    url = sa.engine.make_url(tracker_db_url(endpoints=PROD_ENDPOINTS))
    assert (url.drivername, url.host, url.port, url.database) == (
        "postgresql", "db.internal", 5433, "ajc",
    )  # fmt: skip
    assert (url.username, url.password) == ("ajc", "pass:word")

    monkeypatch.delenv("AJC_PG_HOST")
    with pytest.raises(ConversationsConfigError, match="AJC_PG_HOST"):
        tracker_db_url(endpoints=PROD_ENDPOINTS)


def test_a_missing_sqlite_file_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    with pytest.raises(ConversationsConfigError, match="no conversations database"):
        open_existing(f"sqlite:///{missing}")
    assert main(["conversations", "mask", "--db", f"sqlite:///{missing}"]) == 2
    assert not missing.exists()


def test_purge_and_report_read_the_database_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "from-env.db"
    monkeypatch.setenv(TRACKER_DB_ENV, write_conversations(db, {"recent": 1, "old": 200}))
    out = tmp_path / "report.html"
    assert main(["report", "--out", str(out), "--referrals-db", f"sqlite:///{tmp_path}/r.db"]) == 0
    with out.with_suffix(".csv").open(encoding="utf-8") as stream:
        summary = {row["item"]: row["count"] for row in csv.DictReader(stream)}
    assert summary["conversations"] == "1", "the report of the last 7 days reads that database"

    assert main(["conversations", "purge"]) == 0
    assert senders(db) == {"recent"}, "and so does the purge"


# --- retention and the staff commands -------------------------------------------------------


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


def test_staff_purge_command_deletes_only_old_conversations(tmp_path: Path) -> None:
    db = tmp_path / "conversations.db"
    url = write_conversations(db, {"autumn": 10, "spring": 100})

    purged = run_bot("conversations", "purge", "--db", url)
    assert purged.returncode == 0, purged.stderr
    assert "Deleted 1 conversation(s)" in purged.stdout and "90 day(s)" in purged.stdout
    assert senders(db) == {"autumn"}

    shorter = run_bot("conversations", "purge", "--db", url, env={"AJC_RETENTION_DAYS": "7"})
    assert "Deleted 1 conversation(s)" in shorter.stdout and senders(db) == set()

    wrong = run_bot("conversations", "purge", "--db", url, env={"AJC_RETENTION_DAYS": "x"})
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
    masked = run_bot("conversations", "mask", "--db", f"sqlite:///{db}")
    assert masked.returncode == 0, masked.stderr
    with sqlite3.connect(db) as conn:
        (data,) = conn.execute("SELECT data FROM events").fetchone()
    assert "6789" not in data and "my SSN is [ssn]" in data
