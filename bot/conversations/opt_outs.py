"""Who asked, by SMS or WhatsApp, to get no more messages (STOP) and has not said START since.

A table beside the conversations (``store.OPT_OUTS``), in the same database, so every replica
sees the same list and no process keeps it in memory.
"""

from __future__ import annotations

import time

import sqlalchemy as sa

from bot.conversations.store import OPT_OUTS


def opt_out(engine: sa.engine.Engine, sender_id: str) -> None:
    """Remember the opt-out (a second STOP keeps the first one's time)."""
    with engine.begin() as conn:
        if not _opted_out(conn, sender_id):
            conn.execute(sa.insert(OPT_OUTS).values(sender_id=sender_id, since=time.time()))


def opt_in(engine: sa.engine.Engine, sender_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(OPT_OUTS).where(OPT_OUTS.c.sender_id == sender_id))


def is_opted_out(engine: sa.engine.Engine, sender_id: str) -> bool:
    with engine.connect() as conn:
        return _opted_out(conn, sender_id)


def _opted_out(conn: sa.engine.Connection, sender_id: str) -> bool:
    query = sa.select(OPT_OUTS.c.sender_id).where(OPT_OUTS.c.sender_id == sender_id)
    return conn.execute(query).first() is not None
