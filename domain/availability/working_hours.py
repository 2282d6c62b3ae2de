"""Working hours: the spans of each weekday a person works, on their own wall clock (RFC 5545 has no word for it).

A day's spans are read in the person's zone on each date, so 09:00-17:00 Berlin stays 09:00-17:00
across a clock change, and a Berlin day and a New York day overlap by two hours in winter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput
from domain.scheduling.time_range import TimeRange
from domain.scheduling.timezone import time_zone, valid_time_zone_name

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The keys of a week's days, Monday first (Python's `date.weekday()` order)."""
MINUTES_IN_A_DAY = 24 * 60
MAX_SPANS_PER_DAY = 6
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def clock_minutes(text: str, *, field: str) -> int:
    """Minutes past midnight of a wall-clock time "HH:MM" ("24:00" is the day's end)."""
    found = _CLOCK.match(text)
    minutes = int(found.group(1)) * 60 + int(found.group(2)) if found else -1
    if not 0 <= minutes <= MINUTES_IN_A_DAY:
        raise InvalidInput(field, f'{field} must be a time of day "HH:MM" between "00:00" and "24:00"')
    return minutes


def clock_text(minutes: int) -> str:
    """The "HH:MM" of minutes past midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class WorkingSpan:
    """[start, end) minutes past local midnight of one day."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_IN_A_DAY:
            raise InvalidInput("days", "a working span must end after it starts, within one day")

    @classmethod
    def parse(cls, start: str, end: str, *, field: str) -> WorkingSpan:
        """The span between two "HH:MM" times; the error names `field`."""
        first, last = clock_minutes(start, field=field), clock_minutes(end, field=field)
        if last <= first:
            raise InvalidInput(field, f"{field}: {end} must be after {start}")
        return cls(first, last)


@dataclass(frozen=True)
class WorkingHours:
    """A person's working week in their zone; days missing from `days` are days off."""

    timezone: str
    days: Mapping[str, tuple[WorkingSpan, ...]]

    def __post_init__(self) -> None:
        valid_time_zone_name(self.timezone)
        cleaned: dict[str, tuple[WorkingSpan, ...]] = {}
        for day, spans in self.days.items():
            if day not in WEEKDAYS:
                raise InvalidInput("days", f"days: {day!r} is not one of {', '.join(WEEKDAYS)}")
            if len(spans) > MAX_SPANS_PER_DAY:
                raise InvalidInput(f"days.{day}", f"days.{day}: at most {MAX_SPANS_PER_DAY} spans a day")
            ordered = tuple(sorted(spans, key=lambda span: span.start))
            for before, after in pairwise(ordered):
                if after.start < before.end:
                    raise InvalidInput(f"days.{day}", f"days.{day}: working spans must not overlap")
            if ordered:
                cleaned[day] = ordered
        object.__setattr__(self, "days", MappingProxyType({day: cleaned[day] for day in WEEKDAYS if day in cleaned}))

    @classmethod
    def default(cls, timezone: str) -> WorkingHours:
        """Monday to Friday, 09:00-17:00, in `timezone`."""
        return _default_week(timezone)

    @classmethod
    def parse(cls, timezone: str, days: Mapping[str, Sequence[Sequence[str]]]) -> WorkingHours:
        """Working hours from their API shape: {"mon": [["09:00", "17:00"]], ...}; errors name the day."""
        parsed: dict[str, tuple[WorkingSpan, ...]] = {}
        for day, spans in days.items():
            field = f"days.{day}"
            pairs = []
            for span in spans:
                if len(span) != 2:
                    raise InvalidInput(field, f'{field}: each span is ["HH:MM", "HH:MM"]')
                pairs.append(WorkingSpan.parse(span[0], span[1], field=field))
            parsed[day] = tuple(pairs)
        return cls(valid_time_zone_name(timezone), parsed)

    def spans_in(self, window: TimeRange) -> list[TimeRange]:
        """The working spans overlapping `window`, as instants, clipped to it, in order and merged."""
        return list(_spans_in(self.timezone, tuple(self.days.items()), window.starts_at, window.ends_at))


@lru_cache(maxsize=1024)
def _spans_in(
    timezone: str, days: tuple[tuple[str, tuple[WorkingSpan, ...]], ...], start: datetime, end: datetime
) -> tuple[TimeRange, ...]:
    """WorkingHours.spans_in, remembered: colleagues share working weeks, and free/busy asks the same windows."""
    zone = time_zone(timezone)
    week = dict(days)
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    spans: list[TimeRange] = []
    day = first
    while day <= last:
        for span in week.get(WEEKDAYS[day.weekday()], ()):
            span_start = max(_wall(day, span.start, zone), start)
            span_end = min(_wall(day, span.end, zone), end)
            if span_start < span_end:
                if spans and spans[-1].ends_at >= span_start:
                    spans[-1] = TimeRange.already_checked(spans[-1].starts_at, max(spans[-1].ends_at, span_end))
                else:
                    spans.append(TimeRange.already_checked(span_start, span_end))
        day += timedelta(days=1)
    return tuple(spans)


def _wall(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The instant of `minutes` past midnight of `day` on the zone's wall clock (24:00 is the next midnight)."""
    extra, minutes = divmod(minutes, MINUTES_IN_A_DAY)
    local = datetime.combine(day + timedelta(days=extra), time(minutes // 60, minutes % 60), tzinfo=zone)
    return local.astimezone(UTC)


@lru_cache(maxsize=512)
def _default_week(timezone: str) -> WorkingHours:
    """The default week of a zone, built once: WorkingHours is immutable, so everyone in the zone shares it."""
    return WorkingHours(timezone, {day: (WorkingSpan(9 * 60, 17 * 60),) for day in WEEKDAYS[:5]})


@dataclass(frozen=True)
class Colleague:
    """A registered person as find a time sees them: their account and working week (the default one until set)."""

    user_id: UUID
    email: str
    hours: WorkingHours

    @property
    def zone(self) -> str:
        """The zone their day is read in: their working hours'."""
        return self.hours.timezone
