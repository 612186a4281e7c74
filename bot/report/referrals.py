"""Referral counts for the report: by topic and by site, each split by delivery state.

Reads the referral store through ``bot.referrals.list_referrals`` and keeps only counts, so no
name, phone, e-mail or free text can reach the report or its CSV.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.conversations.store import missing_sqlite_file
from bot.directory import Directory
from bot.referrals import DELIVERED, FAILED, PENDING, Settings, list_referrals
from bot.report.period import Period, utc_naive

STATE_ORDER = (DELIVERED, PENDING, FAILED)
STATE_LABELS = {
    DELIVERED: "Delivered",
    PENDING: "Waiting to be sent",
    FAILED: "Failed (needs retry)",
}
QUEUE_LABELS = {"business_relations": "Business Relations team", "triage": "Staff triage queue"}
TOPIC_LABELS = {
    "job_search": "Job search",
    "training": "Training",
    "immigration_help": "Immigration help (referral)",
    "employer_services": "Employer services",
    "other": "Other",
}


@dataclass
class ReferralSummary:
    """Counts of referrals created in the period; ``available`` is False when there is no store."""

    available: bool = True
    by_topic: dict[str, Counter] = field(default_factory=dict)
    by_site: dict[str, Counter] = field(default_factory=dict)
    by_language: Counter = field(default_factory=Counter)
    total: int = 0


def site_label(site_id: str, directory: Directory) -> str:
    site = directory.site(site_id)
    if site is not None:
        return site.name("en")
    return QUEUE_LABELS.get(site_id, site_id)


def summarize_referrals(
    settings: Settings, period: Period, directory: Directory
) -> ReferralSummary:
    """Referrals created in the period (their state is the state now, when the report runs)."""
    if missing_sqlite_file(settings.db_url) is not None:
        return ReferralSummary(available=False)
    start, end = utc_naive(period.start), utc_naive(period.end)
    summary = ReferralSummary()
    for row in list_referrals(settings=settings):
        if not start <= row.created_at < end:
            continue
        summary.total += 1
        summary.by_topic.setdefault(row.topic, Counter())[row.state] += 1
        site = site_label(row.routed_to, directory)
        summary.by_site.setdefault(site, Counter())[row.state] += 1
        summary.by_language[row.preferred_language] += 1
    return summary
