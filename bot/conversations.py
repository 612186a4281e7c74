"""Stored conversations (Rasa's SQL ``events`` table): how long they are kept, and masking the
rows that had to stay unmasked while the call-back form was running.

Plain SQLAlchemy, shared by the tracker store (bot.tracker_store, at run time) and the staff
commands ``python -m bot conversations purge|mask``, which should not need to load Rasa.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from bot import PROJECT_ROOT
from bot.privacy import Masker, known_personal_values

logger = logging.getLogger(__name__)

RETENTION_ENV = "AJC_RETENTION_DAYS"
# Long enough to look back over a season of questions and to follow up a complaint, short enough
# that old conversations do not pile up; referrals have their own store and are not affected.
DEFAULT_RETENTION_DAYS = 90
DAY = 86_400.0
DEFAULT_ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
_CHUNK = 500  # sender ids per DELETE, under SQLite's limit on bound parameters

METADATA = sa.MetaData()
# The columns Rasa 3.6's SQLTrackerStore writes (rasa.core.tracker_store.SQLTrackerStore.SQLEvent).
EVENTS = sa.Table(
    "events",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
# Conversations with rows stored unmasked (a form was running), and since when.
UNMASKED = sa.Table(
    "conversations_unmasked",
    METADATA,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("since", sa.Float, nullable=False),
)


class ConversationsConfigError(ValueError):
    """The retention setting or the database location cannot be used."""


def retention_days(environ: Mapping[str, str] | None = None) -> int:
    """Days to keep a conversation after its last message (``AJC_RETENTION_DAYS``, default 90)."""
    raw = (os.environ if environ is None else environ).get(RETENTION_ENV, "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    if not raw.isdigit() or int(raw) < 1:
        raise ConversationsConfigError(f"{RETENTION_ENV} must be a whole number of days, 1 or more")
    return int(raw)


def create_tables(engine: sa.engine.Engine) -> None:
    """The bookkeeping table (``events`` is Rasa's own, created by its tracker store).

    Several servers may start together; as Rasa does for ``events``, losing that race is fine.
    """
    try:
        UNMASKED.create(engine, checkfirst=True)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as error:
        logger.warning("Could not create %s (another server may have): %s", UNMASKED.name, error)


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


def _expand(value: Any) -> Any:
    """``${VAR}`` in endpoints.yml as Rasa expands it."""
    return os.path.expandvars(value) if isinstance(value, str) else value


def db_url_from_endpoints(path: Path = DEFAULT_ENDPOINTS) -> str:
    """The database URL of the tracker store configured in ``endpoints.yml``.

    A relative SQLite path is taken from the project folder, where ``make run`` starts Rasa.
    """
    config = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("tracker_store") or {}
    config = {key: _expand(value) for key, value in config.items()}
    dialect = config.get("dialect", "sqlite")
    db = config.get("db", "rasa.db")
    if dialect == "sqlite":
        db_path = Path(db)
        return f"sqlite:///{db_path if db_path.is_absolute() else PROJECT_ROOT / db_path}"
    if "://" in str(config.get("url") or ""):
        return str(config["url"])
    return str(
        sa.engine.URL.create(
            dialect,
            username=config.get("username"),
            password=config.get("password"),
            host=config.get("url") or config.get("host"),
            port=config.get("port"),
            database=db,
        )
    )


@contextmanager
def _connection(args: argparse.Namespace) -> Iterator[sa.engine.Connection]:
    url = args.db_url or db_url_from_endpoints(Path(args.endpoints))
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise ConversationsConfigError(f"no conversations database at {url}")
    engine = sa.create_engine(url)
    create_tables(engine)
    with engine.begin() as conn:
        yield conn


def _purge(args: argparse.Namespace) -> str:
    days = args.days if args.days is not None else retention_days()
    if days < 1:
        raise ConversationsConfigError("--days must be 1 or more")
    with _connection(args) as conn:
        purged = purge_old(conn, days)
    return f"Deleted {purged} conversation(s) with no message in the last {days} day(s)."


def _mask(args: argparse.Namespace) -> str:
    with _connection(args) as conn:
        rows = remask_everything(conn)
    return f"Masked personal data in {rows} stored event(s)."


def run(args: argparse.Namespace) -> int:
    """The chosen subcommand; a configuration problem is one line on stderr, not a traceback."""
    try:
        print(args.action(args))
    except ConversationsConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        print(f"error: the conversations database: {error}", file=sys.stderr)
        return 1
    return 0


def register(subcommands: argparse._SubParsersAction) -> None:
    """``conversations purge`` (retention) and ``conversations mask`` (old databases)."""
    parser = subcommands.add_parser("conversations", help="stored conversations (tracker store)")
    commands = parser.add_subparsers(dest="conversations_command", required=True)
    purge = commands.add_parser(
        "purge", help=f"delete conversations older than {RETENTION_ENV} days (default 90)"
    )
    purge.add_argument("--days", type=int, help=f"override {RETENTION_ENV}")
    purge.set_defaults(handler=run, action=_purge)
    mask = commands.add_parser("mask", help="mask personal data in every stored conversation")
    mask.set_defaults(handler=run, action=_mask)
    for command in (purge, mask):
        command.add_argument("--db-url", help="SQLAlchemy URL (default: from --endpoints)")
        command.add_argument("--endpoints", default=str(DEFAULT_ENDPOINTS))
