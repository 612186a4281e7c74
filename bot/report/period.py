"""The report's period in Chicago days, since staff read dates on the local calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

STAFF_TIMEZONE = ZoneInfo("America/Chicago")
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Period:
    """From the start of ``first`` to the end of ``last`` (both included), Chicago time."""

    first: date
    last: date

    @classmethod
    def ending_today(cls, days: int = DEFAULT_DAYS, today: date | None = None) -> Period:
        """The last ``days`` days including today, the weekly default."""
        last = today or datetime.now(STAFF_TIMEZONE).date()
        return cls(last - timedelta(days=days - 1), last)

    @property
    def start(self) -> float:
        """Epoch seconds of the first day's midnight, as the tracker stores timestamps."""
        return datetime.combine(self.first, time(), STAFF_TIMEZONE).timestamp()

    @property
    def end(self) -> float:
        """Epoch seconds of the midnight after the last day (excluded)."""
        return datetime.combine(self.last + timedelta(days=1), time(), STAFF_TIMEZONE).timestamp()

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def __str__(self) -> str:
        return f"{self.first:%a %b %-d, %Y} to {self.last:%a %b %-d, %Y} (Chicago time)"


def local_day(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, STAFF_TIMEZONE).date()


def utc_naive(timestamp: float) -> datetime:
    """The zone-less UTC time the referral store uses for the same instant."""
    return datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None)
