"""Where the stored conversations are and what their tables look like.

One rule finds the database for every reader: the tracker store itself (Rasa hands it the
endpoints file), the staff report and the retention commands. ``tracker_db_url`` answers
"where are the conversations?" the same way for ``python -m bot report`` and ``python -m bot
conversations purge|mask``; ``open_existing`` refuses to create an empty SQLite file where a
path is wrong, so a typo is an error instead of a report of zeros or a purge of nothing.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot import PROJECT_ROOT, content

logger = logging.getLogger(__name__)

TRACKER_DB_ENV = "AJC_TRACKER_DB_URL"
_BRACED_VARIABLE = re.compile(r"\$\{(\w+)\}")

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
# SMS / WhatsApp senders (by pseudonym, bot.channels.sms_text.conversation_id) who sent STOP:
# nothing is sent to them until they send START. Kept apart from the events, so the retention
# period that deletes conversations never forgets an opt-out.
OPT_OUTS = sa.Table(
    "sms_opt_outs",
    METADATA,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("since", sa.Float, nullable=False),
)


class ConversationsConfigError(ValueError):
    """The retention setting or the database location cannot be used; the message says why."""


def create_tables(engine: sa.engine.Engine) -> None:
    """The bookkeeping tables (``events`` is Rasa's own, created by its tracker store).

    Several servers may start together; as Rasa does for ``events``, losing that race is fine.
    """
    for table in (UNMASKED, OPT_OUTS):
        try:
            table.create(engine, checkfirst=True)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as error:
            logger.warning("Could not create %s (another server may have): %s", table.name, error)


def tracker_db_url(
    db: str | None = None,
    endpoints: Path | str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The conversations database: ``--db``, else the tracker store of the ``--endpoints`` file
    when one is named, else ``AJC_TRACKER_DB_URL``, else the tracker store of endpoints.yml.

    An option given on the command line wins over the environment, which wins over the file
    the assistant itself runs with.
    """
    if db:
        return db
    if endpoints is not None:
        return db_url_from_endpoints(endpoints)
    env = os.environ if environ is None else environ
    return env.get(TRACKER_DB_ENV, "").strip() or db_url_from_endpoints(content.ENDPOINTS)


def db_url_from_endpoints(path: Path | str = content.ENDPOINTS) -> str:
    """The database URL of the tracker store configured in an endpoints file.

    A relative SQLite path is taken from the project folder, where ``make run`` starts Rasa.
    """
    raw = content.read(path).get("tracker_store") or {}
    config = {key: _expand(value, path) for key, value in raw.items()}
    dialect = config.get("dialect", "sqlite")
    db = config.get("db", "rasa.db")
    if dialect == "sqlite":
        db_path = Path(db)
        return f"sqlite:///{db_path if db_path.is_absolute() else PROJECT_ROOT / db_path}"
    if "://" in str(config.get("url") or ""):
        return str(config["url"])
    return str(
        URL.create(
            dialect,
            username=config.get("username"),
            password=config.get("password"),
            host=config.get("url") or config.get("host"),
            port=config.get("port"),
            database=db,
        )
    )


def _expand(value: Any, path: Path | str) -> Any:
    """``${VAR}`` in an endpoints file as Rasa expands it; Rasa refuses unset ones, so do we
    (a host named "${AJC_PG_HOST}" would fail later with a less helpful message)."""
    if not isinstance(value, str):
        return value
    expanded = os.path.expandvars(value)
    unset = _BRACED_VARIABLE.findall(expanded)
    if unset:
        raise ConversationsConfigError(
            f"{path} needs the environment variable(s) {', '.join(unset)}"
        )
    return expanded


def parse_url(db_url: str) -> URL:
    """The parsed URL, or an error that shows staff what a URL looks like."""
    try:
        return make_url(db_url)
    except ArgumentError as error:
        raise ConversationsConfigError(
            "not a database URL; expected e.g. sqlite:///var/conversations.db "
            "or postgresql://user@host/dbname"
        ) from error


def safe_url(db_url: str) -> str:
    """The URL with any password hidden, fit to print."""
    return parse_url(db_url).render_as_string(hide_password=True)


def missing_sqlite_file(db_url: str) -> Path | None:
    """The SQLite file ``db_url`` names when it does not exist: opening it would create an empty
    database, and a wrong path would read as "no conversations" instead of an error."""
    url = parse_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database)
    return None if path.is_file() else path


def open_existing(db_url: str) -> sa.engine.Engine:
    """An engine on a database that exists; never creates a SQLite file.

    Bound values stay out of error messages: they can be personal data from a conversation.
    """
    missing = missing_sqlite_file(db_url)
    if missing is not None:
        raise ConversationsConfigError(
            f"no conversations database at {missing} (has the assistant run yet?)"
        )
    return sa.create_engine(parse_url(db_url), hide_parameters=True)
