"""Spans of time: half-open [start, end) in UTC, so back-to-back meetings do not overlap."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Self
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput

EVENT_MAX_LENGTH = timedelta(days=366)
"""The longest event planner books (reads do not depend on it: a window finds events of any length)."""
WINDOW_MAX_LENGTH = timedelta(days=366)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

MicroSpan = tuple[int, int]
"""A half-open span [start, end) in whole microseconds since the Unix epoch: how the ranking counts time."""


def micros(moment: datetime) -> int:
    """An aware instant as whole microseconds since the Unix epoch."""
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(count: int) -> datetime:
    """The UTC instant `count` microseconds after the Unix epoch (the inverse of `micros`)."""
    return _EPOCH + timedelta(microseconds=count)


@dataclass(frozen=True)
class TimeRange:
    """A half-open span [starts_at, ends_at) of aware datetimes, normalized to UTC, ending after it starts."""

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts_at", _in_utc(self.starts_at, "starts_at"))
        object.__setattr__(self, "ends_at", _in_utc(self.ends_at, "ends_at"))
        if self.ends_at <= self.starts_at:
            raise InvalidInput("ends_at", "ends_at must be after starts_at")

    @classmethod
    def for_event(cls, starts_at: datetime, ends_at: datetime) -> Self:
        """Return the slot of an event: at most EVENT_MAX_LENGTH long."""
        slot = cls(starts_at, ends_at)
        if slot.duration > EVENT_MAX_LENGTH:
            raise InvalidInput("ends_at", f"an event lasts at most {EVENT_MAX_LENGTH.days} days")
        return slot

    @classmethod
    def already_checked(cls, starts_at: datetime, ends_at: datetime) -> Self:
        """A span of UTC datetimes known to be one (read back from the database, or cut from another span).

        Skips the checks: free/busy builds thousands of spans per request, and they were checked once.
        """
        span = object.__new__(cls)
        # The instance's own dict, written directly: half the cost of object.__setattr__ twice.
        fields = span.__dict__
        fields["starts_at"] = starts_at
        fields["ends_at"] = ends_at
        return span

    @classmethod
    def window(cls, start: datetime, end: datetime) -> Self:
        """Return a window to list or search in: at most WINDOW_MAX_LENGTH long; errors name `start`/`end`."""
        start_utc = _in_utc(start, "start")
        end_utc = _in_utc(end, "end")
        if end_utc <= start_utc:
            raise InvalidInput("end", "end must be after start")
        if end_utc - start_utc > WINDOW_MAX_LENGTH:
            raise InvalidInput("end", f"a window spans at most {WINDOW_MAX_LENGTH.days} days")
        return cls(start_utc, end_utc)

    @property
    def duration(self) -> timedelta:
        """How long the span lasts."""
        return self.ends_at - self.starts_at

    @property
    def micros(self) -> MicroSpan:
        """The span in whole microseconds since the Unix epoch."""
        return micros(self.starts_at), micros(self.ends_at)

    def overlaps(self, other: "TimeRange") -> bool:
        """Tell whether the two spans share any instant; touching ends do not count."""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def whole_days_in(self, zone: ZoneInfo) -> "TimeRange":
        """Widen the span to local midnights in `zone`: how an all-day event is stored."""
        first_day = self.starts_at.astimezone(zone).date()
        local_end = self.ends_at.astimezone(zone)
        last_day = local_end.date()
        if local_end.time() != time(0):
            last_day += timedelta(days=1)
        return TimeRange(
            datetime.combine(first_day, time(0), tzinfo=zone),
            datetime.combine(last_day, time(0), tzinfo=zone),
        )


def _in_utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(field, f"{field} must include a UTC offset")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(field, f"{field} is out of range") from None
