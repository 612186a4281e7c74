"""The referrals table and the database engine, durable on SQLite and PostgreSQL alike."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from bot.referrals.fields import FIELDS, MAX_LENGTH, REQUIRED

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed_permanently"
STATES = (PENDING, DELIVERED, FAILED)

metadata = MetaData()


def _column(name: str) -> Column:
    """A referral field's column: text of its declared length, or the consent time."""
    kind = String(MAX_LENGTH[name]) if name in MAX_LENGTH else DateTime
    return Column(name, kind, nullable=name not in REQUIRED)


# All times are UTC without a zone, the same on SQLite (no zone support) and PostgreSQL.
# The referral's own fields come from fields.py; the rest is identity and delivery bookkeeping.
referrals = Table(
    "referrals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("idempotency_key", String(36), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    *(_column(name) for name in FIELDS),
    Column("state", String(24), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("lease_until", DateTime),
    Column("lease_owner", String(36)),
    Column("last_error", String(200)),
    Column("delivered_at", DateTime),
    CheckConstraint(f"state IN {STATES}", name="ck_referrals_state"),
    CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="ck_referrals_contact"),
    Index("ix_referrals_due", "state", "next_attempt_at"),
)


def utcnow() -> datetime:
    """Now in UTC, zone-less, as every time column stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _sqlite_durability(dbapi_connection, _record) -> None:
    """WAL lets workers read while the bot writes; synchronous=FULL makes each commit survive a
    power cut, not only a crash, because the bot tells the person "received" right after it."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# SQLAlchemy logs result rows at DEBUG when the root logger is that verbose (e.g. a server run
# with --debug). Rows hold contact data, so this engine's own logger stays at WARNING.
LOGGING_NAME = "referrals"
logging.getLogger(f"sqlalchemy.engine.Engine.{LOGGING_NAME}").setLevel(logging.WARNING)

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(db_url: str) -> Engine:
    """One engine per database URL for the process, with the table created on first use.

    ``hide_parameters`` keeps personal data out of SQL error messages that may reach a log.
    """
    with _engines_lock:
        engine = _engines.get(db_url)
        if engine is not None:
            return engine
        url = make_url(db_url)
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                url, hide_parameters=True, logging_name=LOGGING_NAME, connect_args={"timeout": 30}
            )
            event.listen(engine, "connect", _sqlite_durability)
        else:
            engine = create_engine(
                url, hide_parameters=True, logging_name=LOGGING_NAME, pool_pre_ping=True
            )
        try:
            metadata.create_all(engine)
        except DBAPIError:
            # Another process created the table at the same moment; fine if it is there now.
            if not inspect(engine).has_table(referrals.name):
                raise
        _engines[db_url] = engine
        return engine
