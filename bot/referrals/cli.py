"""Staff commands: ``python -m bot referrals list|export|retry|purge|worker``.

Contact data (name, phone, e-mail, free text) is shown only with ``--show-contact``, so a
listing on a shared screen or a report export does not spread it.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.referrals.config import ReferralConfigError, Settings
from bot.referrals.delivery import run_worker
from bot.referrals.fields import CONTACT_FIELDS
from bot.referrals.schema import STATES
from bot.referrals.store import list_referrals, purge_delivered, requeue_failed

STAFF_TIMEZONE = ZoneInfo("America/Chicago")
# The order staff read in an export; every non-contact field is here (a test checks).
SUMMARY_COLUMNS = (
    "reference", "created_at", "kind", "topic", "sector", "preferred_language", "routed_to",
    "routing_reason", "state", "attempts", "last_error", "delivered_at", "consent_text_version",
    "consented_at",
)  # fmt: skip
CONTACT_COLUMNS = CONTACT_FIELDS


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(tzinfo=timezone.utc).astimezone(STAFF_TIMEZONE).strftime("%Y-%m-%d %H:%M")


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def cmd_list(args: argparse.Namespace) -> int:
    header = ["reference", "created (Chicago)", "kind", "topic", "lang", "routed_to", "state"]
    header += ["tries"] + (["name", "phone", "email"] if args.show_contact else [])
    lines = [header]
    for row in list_referrals(state=args.state, limit=args.limit):
        line = [row.reference, _local(row.created_at), row.kind, row.topic]
        line += [row.preferred_language, row.routed_to, row.state, str(row.attempts)]
        if args.show_contact:
            line += [row.name, row.phone or "", row.email or ""]
        lines.append(line)
    print(_table(lines))
    print(f"{len(lines) - 1} referral(s)")
    return 0


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return "" if value is None else value


def _write_csv(stream, columns: Sequence[str], rows: Sequence) -> None:
    writer = csv.writer(stream)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row._mapping[column]) for column in columns])


def cmd_export(args: argparse.Namespace) -> int:
    columns = SUMMARY_COLUMNS + (CONTACT_COLUMNS if args.show_contact else ())
    rows = list_referrals(state=args.state)
    if not args.out:
        _write_csv(sys.stdout, columns, rows)
        return 0
    # Created readable by its owner only: an export may hold contact data.
    descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8", newline="") as stream:
        _write_csv(stream, columns, rows)
    print(f"{len(rows)} referral(s) written to {args.out}", file=sys.stderr)
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    if not args.references and not args.all_failed:
        print("name references to retry, or use --all-failed", file=sys.stderr)
        return 2
    count = requeue_failed(None if args.all_failed else args.references)
    print(f"{count} referral(s) queued for delivery again")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    count = purge_delivered(timedelta(days=args.delivered_days))
    print(f"{count} delivered referral(s) older than {args.delivered_days} days deleted")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = Settings.from_env()
    if not settings.endpoint:
        print("AJC_REFERRAL_ENDPOINT is not set: referrals stay in the store for staff")
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        run_worker(stop, settings=settings, once=args.once)
    except ReferralConfigError as error:
        print(f"referral delivery is off: {error}", file=sys.stderr)
        return 2
    return 0


def add_commands(parser: argparse.ArgumentParser) -> None:
    """The referral subcommands of ``python -m bot referrals``."""
    commands = parser.add_subparsers(dest="referrals_command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="show referrals, newest first")
    listing.add_argument("--state", choices=STATES)
    listing.add_argument("--limit", type=int, default=50, help="at most N rows (default 50)")
    listing.add_argument("--show-contact", action="store_true", help="include name/phone/email")
    listing.set_defaults(handler=cmd_list)

    export = commands.add_parser("export", help="write all referrals as CSV")
    export.add_argument("--csv", action="store_true", help="CSV format (the only one, default)")
    export.add_argument("--out", help="file to write (created mode 600); default stdout")
    export.add_argument("--state", choices=STATES)
    export.add_argument("--show-contact", action="store_true", help="include contact columns")
    export.set_defaults(handler=cmd_export)

    retry = commands.add_parser("retry", help="send failed_permanently referrals again")
    retry.add_argument("references", nargs="*", metavar="REFERENCE")
    retry.add_argument("--all-failed", action="store_true")
    retry.set_defaults(handler=cmd_retry)

    purge = commands.add_parser("purge", help="delete referrals delivered long ago")
    purge.add_argument("--delivered-days", type=int, required=True, metavar="DAYS")
    purge.set_defaults(handler=cmd_purge)

    worker = commands.add_parser("worker", help="deliver pending referrals to the partner")
    worker.add_argument("--once", action="store_true", help="one pass over what is due, then exit")
    worker.set_defaults(handler=cmd_worker)


def register(subcommands: argparse._SubParsersAction) -> None:
    """Hook for ``bot/__main__.py``: adds ``referrals`` to the top-level command."""
    add_commands(subcommands.add_parser("referrals", help="call-back requests (referrals)"))
