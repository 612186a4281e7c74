"""Rasa's SQL tracker store, with personal data masked before it reaches the database and old
conversations deleted.

Configured in endpoints.yml as ``tracker_store: type: bot.tracker_store.MaskingSQLTrackerStore``
with the usual SQLTrackerStore keys (dialect, db, url, username, password...).

Why masking waits while a form runs: Rasa rebuilds the conversation from the stored events on
every message, so the call-back form would read "[phone]" back instead of the number it is
collecting. While a form is active its rows are stored as they are and the conversation is
noted; at the first save with no active form (the form was submitted or cancelled and its slots
reset, or a new session began) all of its stored rows are masked again. Conversations abandoned
mid-form are masked by the hourly maintenance once their session has expired, which also
deletes conversations older than ``AJC_RETENTION_DAYS`` (bot.conversations.retention).

Two costs of Rasa's store are avoided on every message (docs/performance.md): counting the
stored events again before saving (the count is known from the retrieval a moment before; the
lock store keeps any other process off the conversation in between), and one INSERT statement
built per event (one batch instead). SQLite, the embedded default, keeps its connections open
and runs in WAL mode with ``synchronous=NORMAL``: a crashed process loses nothing; a power cut
may lose the last messages.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import rasa.shared.utils.cli
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, ensure_schema_exists
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversations import retention
from bot.conversations.store import EVENTS, create_tables
from bot.privacy import mask_event

logger = logging.getLogger(__name__)

MAINTENANCE_INTERVAL_SECONDS = 3600.0
# A form left this long after the session expired is treated as abandoned and masked.
ABANDONED_MARGIN_SECONDS = 3600.0
# Conversations whose stored-event count is remembered between retrieval and save.
REMEMBERED_COUNTS = 10_000


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    """Readers never wait for the writer; commits skip the second sync of rollback journals."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _intent_name(event: dict[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


class MaskingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that stores masked events and applies the retention period."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Read before connecting: a wrong setting stops the server instead of keeping data.
        self.retention_days = retention.retention_days()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database:
            self._keep_sqlite_connections_open()
        elif self.engine.dialect.name != "sqlite":
            self._check_connections_before_use()
        create_tables(self.engine)
        self._next_maintenance = 0.0
        self._stored_counts: OrderedDict[str, int] = OrderedDict()

    def _keep_sqlite_connections_open(self) -> None:
        """Pooled WAL connections instead of SQLAlchemy's default for SQLite files, which opens
        a new connection per message and, closing it, checkpoints the WAL to disk: about 14 ms
        of blocked event loop per message on this machine."""
        self._replace_engine(poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
        sa.event.listen(self.engine, "connect", _sqlite_wal)

    def _check_connections_before_use(self) -> None:
        """Rasa's server engine keeps pooled connections that a database restart kills; the
        first message after it then failed to load its conversation and Rasa answered it from
        an empty tracker (language and form lost). ``pool_pre_ping`` reconnects instead."""
        self._replace_engine(pool_pre_ping=True, **create_engine_kwargs(self.engine.url))

    def _replace_engine(self, **options: Any) -> None:
        """Rasa's engine for the same database, created again with other pool options."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, **options)
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session, as Rasa's, remembering how many of its events are stored."""
        tracker = await super().retrieve(sender_id)
        self._stored_counts[sender_id] = len(tracker.events) if tracker else 0
        self._stored_counts.move_to_end(sender_id)
        while len(self._stored_counts) > REMEMBERED_COUNTS:
            self._stored_counts.popitem(last=False)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Every session; its events are not the latest session's count, so none is kept."""
        self._stored_counts.pop(conversation_id, None)
        return await super().retrieve_full_tracker(conversation_id)

    def _additional_events(
        self, session: sa.orm.Session, tracker: DialogueStateTracker
    ) -> Iterator:
        """The tracker's events not stored yet, counted at retrieval when this process did it."""
        stored = self._stored_counts.pop(tracker.sender_id, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    @contextmanager
    def session_scope(self) -> Iterator[sa.orm.Session]:
        """A database session, as Rasa's, except that only a missing PostgreSQL schema stops
        the server.

        Rasa 3.6 exits on any ValueError raised while a session is open, so one unstorable
        value (a sender id with an unpaired surrogate is enough) took the server down for
        everyone; here such an error fails only the message that caused it.
        """
        session = self.sessionmaker()
        try:
            try:
                ensure_schema_exists(session)
            except ValueError as error:
                rasa.shared.utils.cli.print_error_and_exit(
                    f"The PostgreSQL schema '{error}' was not found in the database."
                )
            yield session
        finally:
            session.close()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, masked unless a form is collecting personal data."""
        await self.stream_events(tracker)
        form_active = bool(tracker.active_loop_name)
        with self.session_scope() as session:
            conn = session.connection()
            rows = []
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                stored = data if form_active else mask_event(data)
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": _intent_name(data),
                        "action_name": data.get("name"),
                        "data": json.dumps(stored),
                    }
                )
            if rows:
                conn.execute(sa.insert(EVENTS), rows)
            if form_active:
                retention.mark_unmasked(conn, tracker.sender_id)
            elif retention.has_unmasked(conn, tracker.sender_id):
                retention.remask(conn, tracker.sender_id)
            session.commit()
        self.maintain_if_due()

    def abandoned_after_seconds(self) -> float | None:
        """Idle time after which a form's unmasked rows are masked (None: sessions never end)."""
        minutes = self.domain.session_config.session_expiration_time if self.domain else 0
        return minutes * 60 + ABANDONED_MARGIN_SECONDS if minutes else None

    def maintain_if_due(self, now: float | None = None) -> None:
        """Retention and abandoned-form masking, at most once an hour per server process."""
        if time.monotonic() < self._next_maintenance:
            return
        self._next_maintenance = time.monotonic() + MAINTENANCE_INTERVAL_SECONDS
        try:
            with self.engine.begin() as conn:
                purged = retention.purge_old(conn, self.retention_days, now)
                idle = self.abandoned_after_seconds()
                masked = retention.remask_abandoned(conn, idle, now) if idle else 0
        except sa.exc.SQLAlchemyError:
            logger.exception("Conversation maintenance failed; it is tried again in an hour.")
            return
        if purged or masked:
            logger.info(
                "Deleted %d conversation(s) older than %d day(s); masked %d abandoned form(s).",
                purged,
                self.retention_days,
                masked,
            )
