"""How long stored conversations are kept, and masking the rows that had to stay unmasked while
the call-back form was running.

Plain SQLAlchemy on the tables of ``bot.conversations.store``, used by the tracker store (at run
time: every save and the hourly maintenance) and by ``python -m bot conversations purge|mask``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from bot.conversations.store import EVENTS, UNMASKED, ConversationsConfigError
from bot.privacy import Masker, known_personal_values

RETENTION_ENV = "AJC_RETENTION_DAYS"
# Long enough to look back over a season of questions and to follow up a complaint, short enough
# that old conversations do not pile up; referrals have their own store and are not affected.
DEFAULT_RETENTION_DAYS = 90
DAY = 86_400.0
_CHUNK = 500  # sender ids per DELETE, under SQLite's limit on bound parameters


def retention_days(environ: Mapping[str, str] | None = None) -> int:
    """Days to keep a conversation after its last message (``AJC_RETENTION_DAYS``, default 90)."""
    raw = (os.environ if environ is None else environ).get(RETENTION_ENV, "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    if not raw.isdigit() or int(raw) < 1:
        raise ConversationsConfigError(f"{RETENTION_ENV} must be a whole number of days, 1 or more")
    return int(raw)


def purge_old(conn: sa.engine.Connection, days: int, now: float | None = None) -> int:
    """Delete every conversation whose last event is older than ``days``; returns how many."""
    cutoff = (time.time() if now is None else now) - days * DAY
    old = (
        sa.select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < cutoff)
    )
    senders = [row.sender_id for row in conn.execute(old)]
    for start in range(0, len(senders), _CHUNK):
        chunk = senders[start : start + _CHUNK]
        conn.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk)))
        conn.execute(sa.delete(UNMASKED).where(UNMASKED.c.sender_id.in_(chunk)))
    return len(senders)


def mark_unmasked(conn: sa.engine.Connection, sender_id: str, now: float | None = None) -> None:
    """Remember that this conversation has unmasked rows, so they are masked later."""
    if not has_unmasked(conn, sender_id):
        conn.execute(sa.insert(UNMASKED).values(sender_id=sender_id, since=now or time.time()))


def has_unmasked(conn: sa.engine.Connection, sender_id: str) -> bool:
    query = sa.select(UNMASKED.c.sender_id).where(UNMASKED.c.sender_id == sender_id)
    return conn.execute(query).first() is not None


def remask(conn: sa.engine.Connection, sender_id: str) -> int:
    """Mask every stored event of one conversation again, now that the form's values are known
    and no longer needed; returns the number of rows rewritten."""
    rows = conn.execute(
        sa.select(EVENTS.c.id, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id)
        .order_by(EVENTS.c.id)
    ).all()
    events = [(row.id, row.data, _load(row.data)) for row in rows]
    masker = Masker(known_personal_values(event for _, _, event in events if event))
    changed = 0
    for row_id, raw, event in events:
        if event is None:
            continue
        masked = json.dumps(masker.event(event))
        if masked != raw:
            conn.execute(sa.update(EVENTS).where(EVENTS.c.id == row_id).values(data=masked))
            changed += 1
    conn.execute(sa.delete(UNMASKED).where(UNMASKED.c.sender_id == sender_id))
    return changed


def remask_abandoned(
    conn: sa.engine.Connection, idle_seconds: float, now: float | None = None
) -> int:
    """Mask conversations left in the middle of the form for ``idle_seconds``; returns how many.

    Call only with ``idle_seconds`` beyond the session expiry: a returning person then starts a
    new session, where the form is no longer active and its values are asked again.
    """
    cutoff = (time.time() if now is None else now) - idle_seconds
    idle = (
        sa.select(UNMASKED.c.sender_id)
        .join(EVENTS, EVENTS.c.sender_id == UNMASKED.c.sender_id)
        .group_by(UNMASKED.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < cutoff)
    )
    senders = [row.sender_id for row in conn.execute(idle)]
    for sender_id in senders:
        remask(conn, sender_id)
    return len(senders)


def remask_everything(conn: sa.engine.Connection) -> int:
    """Mask every stored conversation (a database written before masking existed)."""
    senders = [row.sender_id for row in conn.execute(sa.select(EVENTS.c.sender_id).distinct())]
    return sum(remask(conn, sender_id) for sender_id in senders)


def _load(data: str | None) -> dict[str, Any] | None:
    try:
        event = json.loads(data or "")
    except ValueError:
        return None
    return event if isinstance(event, dict) else None
