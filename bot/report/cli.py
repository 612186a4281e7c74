"""``python -m bot report``: the weekly staff report from the conversations and referrals."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bot import PROJECT_ROOT
from bot.referrals import Settings
from bot.report.build import build_report, write_report
from bot.report.events import TRACKER_DB_ENV, ReportError, tracker_db_url
from bot.report.period import DEFAULT_DAYS, Period

DEFAULT_OUT = PROJECT_ROOT / "var" / "report.html"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error


def period_from(args: argparse.Namespace) -> Period:
    """``--since``/``--until`` as given; missing ends default to the last seven days."""
    default = Period.ending_today(DEFAULT_DAYS)
    last = args.until or default.last
    first = args.since or Period.ending_today(DEFAULT_DAYS, today=last).first
    if first > last:
        raise ReportError(f"--since {first} is after --until {last}")
    return Period(first, last)


def cmd_report(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.referrals_db:
        settings = Settings(db_url=args.referrals_db)
    try:
        period = period_from(args)
        report = build_report(period, tracker_db_url(args.db), settings)
    except ReportError as error:
        print(f"report: {error}", file=sys.stderr)
        return 2
    html_path, csv_path = write_report(report, Path(args.out))
    s = report.summary
    print(f"{period}: {s.conversations} conversations, {s.messages} messages, "
          f"{len(s.fallbacks)} not understood, {report.referrals.total} referrals")  # fmt: skip
    print(f"wrote {html_path}\nwrote {csv_path}")
    return 0


def register(subcommands: argparse._SubParsersAction) -> None:
    """Hook for ``bot/__main__.py``: adds ``report`` to the top-level command."""
    parser = subcommands.add_parser(
        "report",
        help="staff insights report (HTML + CSV)",
        description="Write the staff insights report: conversations, languages, what the "
        "assistant could not answer, lookups and referrals. See docs/report.md.",
    )
    parser.add_argument(
        "--since",
        type=_date,
        metavar="DATE",
        help="first day, YYYY-MM-DD (default: 6 days before --until)",
    )
    parser.add_argument(
        "--until",
        type=_date,
        metavar="DATE",
        help="last day, included, YYYY-MM-DD (default: today, Chicago time)",
    )
    parser.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        metavar="FILE",
        help="HTML file to write; the CSV goes beside it with the same name "
        "(default: var/report.html and var/report.csv)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"tracker store, a SQLAlchemy URL (default: ${TRACKER_DB_ENV}, "
        "else sqlite:///var/conversations.db)",
    )
    parser.add_argument(
        "--referrals-db",
        metavar="URL",
        help="referral store URL (default: $AJC_REFERRALS_DB_URL, else sqlite:///var/referrals.db)",
    )
    parser.set_defaults(handler=cmd_report)
