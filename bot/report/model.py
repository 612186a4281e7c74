"""Everything one report shows, gathered once and rendered as HTML and CSV from the same data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.report.referrals import ReferralSummary
from bot.report.stats import Summary
from bot.report.unanswered import Group


@dataclass(frozen=True)
class Report:
    summary: Summary
    unanswered: list[Group]
    out_of_scope: list[Group]
    misunderstood: list[Group]
    referrals: ReferralSummary
    tracker_source: str
    referrals_source: str
    generated_at: datetime
