"""The numbers of the report, computed from conversations already cut to the period."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from bot.directory import Directory
from bot.directory.geo import lookup_zip
from bot.privacy import mask_personal_data
from bot.report.conversations import OUT_OF_SCOPE_INTENT, Conversation, Message
from bot.report.period import Period, local_day

# Fixed order so tables and charts read the same every week.
LANGUAGES: tuple[str | None, ...] = ("es", "en", "other", None)
LANGUAGE_LABELS = {
    "es": "Spanish (es)",
    "en": "English (en)",
    "other": "Other language",
    None: "Not set (answered in English)",
}
TOP_INTENTS = 10


@dataclass(frozen=True)
class DayCount:
    day: date
    conversations: int
    messages: int


@dataclass(frozen=True)
class Lookup:
    """How often one ZIP code or area was asked about, by language."""

    kind: str  # "ZIP" or "Area"
    name: str
    detail: str
    by_language: Counter

    @property
    def total(self) -> int:
        return sum(self.by_language.values())


@dataclass
class Summary:
    period: Period
    conversations: int = 0
    messages: int = 0
    typed_messages: int = 0
    form_answers: int = 0
    median_length: float | None = None
    per_day: list[DayCount] = field(default_factory=list)
    conversations_by_language: Counter = field(default_factory=Counter)
    messages_by_language: Counter = field(default_factory=Counter)
    typed_by_language: Counter = field(default_factory=Counter)
    intents_by_language: dict[str | None, Counter] = field(default_factory=dict)
    fallbacks: list[Message] = field(default_factory=list)
    out_of_scope: list[Message] = field(default_factory=list)
    misread: list[Message] = field(default_factory=list)
    lookups: list[Lookup] = field(default_factory=list)

    @property
    def fallback_rate(self) -> float | None:
        """Share of typed messages answered with "I didn't understand" (buttons never are)."""
        return len(self.fallbacks) / self.typed_messages if self.typed_messages else None

    def fallback_rate_in(self, language: str | None) -> float | None:
        return _share_in(self.fallbacks, language, self.typed_by_language[language])

    @property
    def misread_rate(self) -> float | None:
        """Share of typed messages answered with confidence that the next message called into
        doubt (rephrased, "no, that's not what I asked", "Something else"): bot.report.misread."""
        return len(self.misread) / self.typed_messages if self.typed_messages else None

    def misread_rate_in(self, language: str | None) -> float | None:
        return _share_in(self.misread, language, self.typed_by_language[language])

    @property
    def lookup_count(self) -> int:
        return sum(lookup.total for lookup in self.lookups)


def _share_in(messages: Sequence[Message], language: str | None, typed: int) -> float | None:
    count = sum(1 for m in messages if m.language == language)
    return count / typed if typed else None


def summarize(
    conversations: Sequence[Conversation], period: Period, directory: Directory
) -> Summary:
    """All figures except referrals, which come from their own store."""
    summary = Summary(period=period)
    days: dict[date, list[int]] = {day: [0, 0] for day in period.days}
    intents: dict[str | None, Counter] = defaultdict(Counter)
    lookups: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for conversation in conversations:
        summary.conversations += 1
        summary.conversations_by_language[conversation.language] += 1
        days.setdefault(local_day(conversation.start), [0, 0])[0] += 1
        for message in conversation.messages:
            summary.messages += 1
            days.setdefault(local_day(message.timestamp), [0, 0])[1] += 1
            summary.messages_by_language[message.language] += 1
            if message.typed:
                summary.typed_messages += 1
                summary.typed_by_language[message.language] += 1
            if message.in_form:
                summary.form_answers += 1
            elif message.intent:
                intents[message.language][message.intent] += 1
            if message.fallback:
                summary.fallbacks.append(message)
            elif message.intent == OUT_OF_SCOPE_INTENT and not message.in_form:
                summary.out_of_scope.append(message)
            if message.misread:
                summary.misread.append(message)
            if message.lookup:
                lookups[_lookup_key(message.lookup, directory)][message.language] += 1
    summary.per_day = [DayCount(day, *counts) for day, counts in sorted(days.items())]
    summary.intents_by_language = dict(intents)
    lengths = [len(conversation.messages) for conversation in conversations]
    summary.median_length = median(lengths) if lengths else None
    summary.lookups = sorted(
        (Lookup(kind, name, _lookup_detail(kind, name, directory), counts)
         for (kind, name), counts in lookups.items()),
        key=lambda lookup: (-lookup.total, lookup.kind, lookup.name),
    )  # fmt: skip
    return summary


def _lookup_key(lookup: tuple[str, str], directory: Directory) -> tuple[str, str]:
    """ZIPs as written; places by their directory name, so "la villita" counts as Little Village."""
    kind, value = lookup
    if kind == "zip":
        return "ZIP", value.strip()
    place = directory.find_place(value)
    if place is not None:
        return "Area", place.name
    return "Area", mask_personal_data(" ".join(value.split()).title())


def _lookup_detail(kind: str, name: str, directory: Directory) -> str:
    """Where a ZIP is, or what kind of place an area is, so staff can read the table alone."""
    if kind == "ZIP":
        record = lookup_zip(name)
        if record is None:
            return "not a known ZIP code"
        return f"{record.city}, {record.county}, {record.state}"
    place = directory.find_place(name)
    if place is None:
        return "not in the place list"
    zips = ", ".join(place.zips[:3])
    return f"{place.kind}, ZIP {zips}" if zips else place.kind


def top_intents(summary: Summary, language: str | None) -> list[tuple[str, int]]:
    return summary.intents_by_language.get(language, Counter()).most_common(TOP_INTENTS)


def present_languages(counts: Counter) -> list[str | None]:
    """The languages that occur, in the fixed order (Spanish first: most users write it)."""
    return [language for language in LANGUAGES if counts.get(language)]
