"""Read Rasa's SQL tracker store (table ``events``) one sender at a time, without writing to it.

Works on any SQLAlchemy engine, so the same report runs on the SQLite file of a small install and
on PostgreSQL. Only SELECTs are issued: the store belongs to the running assistant. Where the
store is and how it is opened is ``bot.conversations.store``'s business.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.conversations.store import EVENTS


@dataclass(frozen=True)
class Event:
    """One tracker event: its type (``user``, ``slot``, ``action``...) and its JSON payload."""

    type_name: str
    timestamp: float
    data: Mapping[str, Any]


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
