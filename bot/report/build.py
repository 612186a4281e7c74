"""Gather the report from the two stores and write it as HTML with a CSV beside it."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from bot.conversations.store import open_existing, safe_url
from bot.directory import Directory, load_directory
from bot.referrals import Settings
from bot.report.conversations import conversations_of, within
from bot.report.csvfile import write_csv
from bot.report.events import read_senders
from bot.report.html import render_html
from bot.report.model import Report
from bot.report.period import STAFF_TIMEZONE, Period
from bot.report.referrals import summarize_referrals
from bot.report.stats import summarize
from bot.report.unanswered import group_messages, group_misread


def build_report(
    period: Period,
    tracker_url: str,
    referral_settings: Settings,
    directory: Directory | None = None,
) -> Report:
    """Read both stores (read-only) and compute every figure of the report."""
    directory = directory or load_directory()
    engine = open_existing(tracker_url)
    try:
        conversations = [
            conversation
            for sender_id, events in read_senders(engine, period.start, period.end)
            for conversation in within(
                conversations_of(sender_id, events), period.start, period.end
            )
        ]
    finally:
        engine.dispose()
    summary = summarize(conversations, period, directory)
    return Report(
        summary=summary,
        unanswered=group_messages(summary.fallbacks),
        out_of_scope=group_messages(summary.out_of_scope),
        misunderstood=group_misread(summary.misread),
        referrals=summarize_referrals(referral_settings, period, directory),
        tracker_source=safe_url(tracker_url),
        referrals_source=safe_url(referral_settings.db_url),
        generated_at=datetime.now(STAFF_TIMEZONE),
    )


def csv_path_for(html_path: Path) -> Path:
    """The CSV sits beside the HTML with the same base name: report.html -> report.csv."""
    return html_path.with_suffix(".csv")


def write_report(report: Report, html_path: Path) -> tuple[Path, Path]:
    """Write the HTML and its CSV; each appears complete or not at all (temp file + rename)."""
    html_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path = csv_path_for(html_path)
    temporary_csv = csv_path.with_name(f".{csv_path.name}.tmp")
    write_csv(report, temporary_csv)
    os.replace(temporary_csv, csv_path)
    temporary_html = html_path.with_name(f".{html_path.name}.tmp")
    temporary_html.write_text(render_html(report, csv_path.name), encoding="utf-8")
    os.replace(temporary_html, html_path)
    return html_path, csv_path
