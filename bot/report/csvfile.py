"""The report's figures as one long CSV (one row per number), for spreadsheets and trends.

Columns: section, language, item, detail, count, share. ``share`` is a fraction (0.25 = 25%)
where one applies. Message texts are the masked examples the HTML shows; no contact data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from bot.report.model import Report
from bot.report.unanswered import Group

COLUMNS = ("section", "language", "item", "detail", "count", "share")
Row = tuple[str, str, str, str, object, object]


def language_code(language: str | None) -> str:
    return language or "not set"


def _share(part: int, whole: int) -> object:
    return round(part / whole, 4) if whole else ""


def _summary_rows(report: Report) -> Iterator[Row]:
    s = report.summary
    yield "summary", "", "conversations", "", s.conversations, ""
    yield "summary", "", "messages", "typed and buttons", s.messages, ""
    yield "summary", "", "typed_messages", "", s.typed_messages, ""
    yield "summary", "", "median_messages_per_conversation", "", s.median_length or "", ""
    yield (
        "summary",
        "",
        "could_not_answer",
        "of typed messages",
        len(s.fallbacks),
        _share(len(s.fallbacks), s.typed_messages),
    )
    yield (
        "summary",
        "",
        "possibly_misunderstood",
        "of typed messages",
        len(s.misread),
        _share(len(s.misread), s.typed_messages),
    )
    yield "summary", "", "lookups", "by ZIP or area", s.lookup_count, ""
    yield "summary", "", "referrals", "", report.referrals.total, ""
    for day in s.per_day:
        yield "per_day", "", day.day.isoformat(), "conversations", day.conversations, ""
        yield "per_day", "", day.day.isoformat(), "messages", day.messages, ""


def _language_rows(report: Report) -> Iterator[Row]:
    s = report.summary
    for language, count in s.conversations_by_language.items():
        share = _share(count, s.conversations)
        yield "language", language_code(language), "conversations", "", count, share
    for language, count in s.messages_by_language.items():
        yield "language", language_code(language), "messages", "", count, _share(count, s.messages)
    for language, typed in s.typed_by_language.items():
        code = language_code(language)
        yield "language", code, "typed_messages", "", typed, _share(typed, s.typed_messages)
        for item, messages in (("could_not_answer", s.fallbacks),
                               ("possibly_misunderstood", s.misread)):  # fmt: skip
            count = sum(1 for m in messages if m.language == language)
            yield "language", code, item, "of typed messages", count, _share(count, typed)
    for language, intents in s.intents_by_language.items():
        total = sum(intents.values())
        for intent, count in intents.most_common():
            yield "intent", language_code(language), intent, "", count, _share(count, total)


def _group_rows(section: str, groups: list[Group]) -> Iterator[Row]:
    for group in groups:
        detail = f"closest intent: {group.closest_intent or '-'}"
        if group.reasons:
            detail = f"taken as: {group.closest_intent or '-'}; why: {group.why()}"
        yield section, language_code(group.language), group.example, detail, group.count, ""


def _lookup_and_referral_rows(report: Report) -> Iterator[Row]:
    for lookup in report.summary.lookups:
        for language, count in lookup.by_language.items():
            detail = f"{lookup.kind}; {lookup.detail}"
            yield "lookup", language_code(language), lookup.name, detail, count, ""
    referrals = report.referrals
    for section, table in (("referral_topic", referrals.by_topic),
                           ("referral_site", referrals.by_site)):  # fmt: skip
        for item, states in table.items():
            for state, count in states.items():
                yield section, "", item, state, count, ""
    for language, count in referrals.by_language.items():
        yield "referral_language", language, "preferred language", "", count, ""


def write_csv(report: Report, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        writer.writerows(_summary_rows(report))
        writer.writerows(_language_rows(report))
        writer.writerows(_group_rows("could_not_answer", report.unanswered))
        writer.writerows(_group_rows("possibly_misunderstood", report.misunderstood))
        writer.writerows(_group_rows("out_of_scope", report.out_of_scope))
        writer.writerows(_lookup_and_referral_rows(report))
