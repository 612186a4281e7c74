"""``python -m bot conversations purge|mask``: retention and masking of the stored conversations.

The ``--db`` / ``--endpoints`` options are defined here once and used by ``python -m bot
report`` too, so staff point every command at the same database the same way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from bot.conversations import retention
from bot.conversations.store import (
    TRACKER_DB_ENV,
    ConversationsConfigError,
    create_tables,
    open_existing,
    tracker_db_url,
)


def add_location_arguments(parser: argparse.ArgumentParser) -> None:
    """``--db URL`` or ``--endpoints FILE``: where the conversations are (store.tracker_db_url)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        metavar="URL",
        help=f"the conversations database, a SQLAlchemy URL (default: ${TRACKER_DB_ENV}, else "
        "the tracker store of endpoints.yml)",
    )
    where.add_argument(
        "--endpoints",
        metavar="FILE",
        help="take the tracker store from this endpoints file instead, e.g. "
        "deploy/endpoints.prod.yml",
    )


def db_url(args: argparse.Namespace) -> str:
    """The database the options of ``add_location_arguments`` name."""
    return tracker_db_url(args.db, args.endpoints)


@contextmanager
def _connection(args: argparse.Namespace) -> Iterator[sa.engine.Connection]:
    engine = open_existing(db_url(args))
    try:
        create_tables(engine)
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def _purge(args: argparse.Namespace) -> str:
    days = args.days if args.days is not None else retention.retention_days()
    if days < 1:
        raise ConversationsConfigError("--days must be 1 or more")
    with _connection(args) as conn:
        purged = retention.purge_old(conn, days)
    return f"Deleted {purged} conversation(s) with no message in the last {days} day(s)."


def _mask(args: argparse.Namespace) -> str:
    with _connection(args) as conn:
        rows = retention.remask_everything(conn)
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
        "purge",
        help=f"delete conversations older than {retention.RETENTION_ENV} days (default "
        f"{retention.DEFAULT_RETENTION_DAYS})",
    )
    purge.add_argument("--days", type=int, help=f"override {retention.RETENTION_ENV}")
    purge.set_defaults(handler=run, action=_purge)
    mask = commands.add_parser("mask", help="mask personal data in every stored conversation")
    mask.set_defaults(handler=run, action=_mask)
    for command in (purge, mask):
        add_location_arguments(command)
