"""The staff insights report: what people asked, in which language, and what went unanswered.

    python -m bot report --since 2026-11-17 --out var/report.html   # also writes var/report.csv

``build_report`` reads Rasa's SQL tracker store and the referral store, both read-only, and
``write_report`` writes one self-contained HTML page and a CSV beside it. See docs/report.md.
"""

from bot.report.build import build_report, csv_path_for, write_report
from bot.report.model import Report
from bot.report.period import Period, ReportError

__all__ = [
    "Period",
    "Report",
    "ReportError",
    "build_report",
    "csv_path_for",
    "write_report",
]
