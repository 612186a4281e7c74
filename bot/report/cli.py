"""``python -m bot report``: the weekly staff report from the conversations and referrals."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from bot import PROJECT_ROOT
from bot.conversations.cli import add_location_arguments, db_url
from bot.conversations.store import ConversationsConfigError
from bot.referrals import Settings
from bot.report.build import build_report, write_report
from bot.report.period import DEFAULT_DAYS, Period, ReportError, local_midnight, local_time

DEFAULT_OUT = PROJECT_ROOT / "var" / "report.html"


def _moment(text: str) -> date | datetime:
    """A day (YYYY-MM-DD) or a time on the Chicago clock (YYYY-MM-DD HH:MM, or ISO 8601)."""
    try:
        return (
            date.fromisoformat(text)
            if len(text) == 10
            else local_time(datetime.fromisoformat(text))
        )
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"not a date (YYYY-MM-DD) or time (YYYY-MM-DD HH:MM): {text!r}"
        ) from error


def period_from(since: date | datetime | None, until: date | datetime | None) -> Period:
    """A day for ``until`` is included; a time is where the period stops. Without ``since``,
    the period is the seven days that end with ``until`` (default: today)."""
    if until is None:
        ends = Period.ending_today(DEFAULT_DAYS).ends
    elif isinstance(until, datetime):
        ends = until
    else:
        ends = Period.of_days(until, until).ends
    if since is None:
        last_day = (ends - timedelta(microseconds=1)).date()
        begins = local_midnight(last_day - timedelta(days=DEFAULT_DAYS - 1))
    elif isinstance(since, datetime):
        begins = since
    else:
        begins = local_midnight(since)
    if begins >= ends:
        raise ReportError(f"the period is empty: --since {since} is not before --until {until}")
    return Period(begins, ends)


def cmd_report(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.referrals_db:
        settings = Settings(db_url=args.referrals_db)
    try:
        period = period_from(args.since, args.until)
        report = build_report(period, db_url(args), settings)
    except (ReportError, ConversationsConfigError) as error:
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
        type=_moment,
        metavar="DATE",
        help="first day, YYYY-MM-DD, or a start time, 'YYYY-MM-DD HH:MM' (default: 6 days "
        "before --until)",
    )
    parser.add_argument(
        "--until",
        type=_moment,
        metavar="DATE",
        help="last day, included, YYYY-MM-DD, or an end time, 'YYYY-MM-DD HH:MM' (default: "
        "today). Times are Chicago time",
    )
    parser.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        metavar="FILE",
        help="HTML file to write; the CSV goes beside it with the same name "
        "(default: var/report.html and var/report.csv)",
    )
    add_location_arguments(parser)
    parser.add_argument(
        "--referrals-db",
        metavar="URL",
        help="referral store URL (default: $AJC_REFERRALS_DB_URL, else sqlite:///var/referrals.db)",
    )
    parser.set_defaults(handler=cmd_report)
