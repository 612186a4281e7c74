"""Read Rasa's SQL tracker store (table ``events``) one sender at a time, without writing to it.

Works on any SQLAlchemy URL, so the same report runs on the SQLite file of a small install and
on PostgreSQL later. Only SELECTs are issued: the store belongs to the running assistant.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy import column, create_engine, select, table
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from bot import PROJECT_ROOT

DEFAULT_TRACKER_DB = PROJECT_ROOT / "var" / "conversations.db"
TRACKER_DB_ENV = "AJC_TRACKER_DB_URL"

EVENTS = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("data"),
)


class ReportError(RuntimeError):
    """The report cannot be made (no store, bad URL); the message tells staff what to fix."""


@dataclass(frozen=True)
class Event:
    """One tracker event: its type (``user``, ``slot``, ``action``...) and its JSON payload."""

    type_name: str
    timestamp: float
    data: Mapping[str, Any]


def tracker_db_url(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The store to read: ``--db``, else ``AJC_TRACKER_DB_URL``, else the local SQLite file."""
    env = os.environ if environ is None else environ
    return option or env.get(TRACKER_DB_ENV, "").strip() or f"sqlite:///{DEFAULT_TRACKER_DB}"


def parse_url(db_url: str) -> URL:
    """The parsed URL, or an error that shows staff what a URL looks like."""
    try:
        return make_url(db_url)
    except ArgumentError as error:
        raise ReportError(
            "not a database URL; expected e.g. sqlite:///var/conversations.db "
            "or postgresql://user@host/dbname"
        ) from error


def safe_url(db_url: str) -> str:
    """The URL with any password hidden, fit to print in a report."""
    return parse_url(db_url).render_as_string(hide_password=True)


def missing_sqlite_file(db_url: str) -> Path | None:
    """The SQLite file ``db_url`` names when it does not exist: opening it would create an empty
    store, and the report would show zero instead of saying the path is wrong."""
    url = parse_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database)
    return None if path.is_file() else path


def open_store(db_url: str) -> Engine:
    """An engine on an existing tracker store."""
    missing = missing_sqlite_file(db_url)
    if missing is not None:
        raise ReportError(f"no tracker store at {missing} (has the assistant run yet?)")
    return create_engine(parse_url(db_url), hide_parameters=True)


def read_senders(engine: Engine, since: float, until: float) -> Iterator[tuple[str, list[Event]]]:
    """Every event of each sender who wrote in [since, until), in the order Rasa stored them.

    Events before ``since`` are included because the language and the open form at the start of
    the period come from them; the caller counts only messages inside the period.
    """
    active = (
        select(EVENTS.c.sender_id)
        .where(EVENTS.c.type_name == "user")
        .where(EVENTS.c.timestamp >= since)
        .where(EVENTS.c.timestamp < until)
        .distinct()
    )
    query = (
        select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        .where(EVENTS.c.sender_id.in_(active))
        .where(EVENTS.c.timestamp < until)
        .order_by(EVENTS.c.sender_id, EVENTS.c.id)
    )
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True).execute(query)
        for sender_id, group in groupby(rows, key=lambda row: row.sender_id):
            yield sender_id, [_event(row) for row in group]


def _event(row: Any) -> Event:
    try:
        data = json.loads(row.data) if row.data else {}
    except json.JSONDecodeError:
        data = {}
    return Event(type_name=row.type_name, timestamp=float(row.timestamp or 0.0), data=data)
