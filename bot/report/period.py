"""The report's period on the Chicago clock, since staff read dates on the local calendar.

Usually whole days ("the last 7 days"); a start time is allowed too, e.g. to look only at the
conversations since a new model went live this morning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

STAFF_TIMEZONE = ZoneInfo("America/Chicago")
DEFAULT_DAYS = 7


class ReportError(RuntimeError):
    """The report cannot be made (an empty period); the message tells staff what to fix."""


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), STAFF_TIMEZONE)


def local_time(moment: datetime) -> datetime:
    """A time typed by staff (no zone means Chicago) on the Chicago clock."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=STAFF_TIMEZONE)
    return moment.astimezone(STAFF_TIMEZONE)


@dataclass(frozen=True)
class Period:
    """From ``begins`` (included) to ``ends`` (excluded), both on the Chicago clock."""

    begins: datetime
    ends: datetime

    @classmethod
    def of_days(cls, first: date, last: date) -> Period:
        """Whole days, ``last`` included."""
        return cls(local_midnight(first), local_midnight(last + timedelta(days=1)))

    @classmethod
    def ending_today(cls, days: int = DEFAULT_DAYS, today: date | None = None) -> Period:
        """The last ``days`` days including today, the weekly default."""
        last = today or datetime.now(STAFF_TIMEZONE).date()
        return cls.of_days(last - timedelta(days=days - 1), last)

    @property
    def start(self) -> float:
        """Epoch seconds, as the tracker stores timestamps."""
        return self.begins.timestamp()

    @property
    def end(self) -> float:
        return self.ends.timestamp()

    @property
    def first(self) -> date:
        return self.begins.date()

    @property
    def last(self) -> date:
        return (self.ends - timedelta(microseconds=1)).date()

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def _whole_days(self) -> bool:
        return self.begins.time() == time() and self.ends.time() == time()

    def __str__(self) -> str:
        if self._whole_days():
            return f"{self.first:%a %b %-d, %Y} to {self.last:%a %b %-d, %Y} (Chicago time)"
        return (
            f"{self.begins:%a %b %-d, %Y %H:%M} to {self.ends:%a %b %-d, %Y %H:%M} (Chicago time)"
        )


def local_day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, STAFF_TIMEZONE).date()


def utc_naive(timestamp: float) -> datetime:
    """The zone-less UTC time the referral store uses for the same instant."""
    return datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None)
