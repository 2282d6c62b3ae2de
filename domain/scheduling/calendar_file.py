"""iCalendar files (RFC 5545) as plain data: what an import reads and what a feed or a download writes.

One `CalendarFileEvent` is a single event or a series (its RRULE/EXDATE/RDATE as a `Recurrence`)
with its overrides, keyed by recurrence id as planner keys them: the occurrence's original start in
UTC, or for an all-day series the original date at 00:00 UTC. The adapter behind
`CalendarFileReader`/`CalendarFileWriter` speaks the file format; use cases only see these types.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from domain.errors import InvalidInput
from domain.scheduling.recurrence import Recurrence
from domain.scheduling.transparency import Transparency

MAX_CALENDAR_FILE_BYTES = 10 * 1024 * 1024
"""The largest file an import reads: 10 MB is years of a busy team calendar."""
CALENDAR_FILE_FIELD = "file"


class NotACalendarFile(InvalidInput):
    """The bytes are not an iCalendar file (or one planner cannot read at all); `detail` says why."""

    code = "not_a_calendar_file"
    title = "Not an iCalendar file"

    def __init__(self, detail: str) -> None:
        super().__init__(CALENDAR_FILE_FIELD, detail)


_BOM = b"\xef\xbb\xbf"


def checked_calendar_file(data: bytes) -> bytes:
    """The bytes of what looks like an iCalendar file (UTF-8, BEGIN:VCALENDAR first), without a BOM.

    A cheap check made before a file is queued for import; NotACalendarFile says what is wrong.
    """
    if len(data) > MAX_CALENDAR_FILE_BYTES:
        raise NotACalendarFile(f"the file is over {MAX_CALENDAR_FILE_BYTES // (1024 * 1024)} MB")
    body = data.removeprefix(_BOM).lstrip()
    if not body:
        raise NotACalendarFile("the file is empty")
    if not body[:15].upper().startswith(b"BEGIN:VCALENDAR"):
        raise NotACalendarFile("an iCalendar file starts with BEGIN:VCALENDAR; this one does not")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotACalendarFile("an iCalendar file is UTF-8 text; this one is not") from None
    if b"\x00" in body:
        raise NotACalendarFile("an iCalendar file is text; this one holds NUL bytes")
    return body


@dataclass(frozen=True, kw_only=True)
class EventTimes:
    """When something happens: aware `starts_at`/`ends_at`, or all-day `start_date`/`end_date` (end exclusive)."""

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None

    @property
    def all_day(self) -> bool:
        return self.start_date is not None

    @classmethod
    def timed(cls, starts_at: datetime, ends_at: datetime) -> "EventTimes":
        return cls(starts_at=starts_at, ends_at=ends_at)

    @classmethod
    def dates(cls, start_date: date, end_date: date) -> "EventTimes":
        return cls(start_date=start_date, end_date=end_date)

    @property
    def first(self) -> datetime | date:
        """The start: a datetime, or a date for an all-day event."""
        if self.start_date is not None:
            return self.start_date
        assert self.starts_at is not None
        return self.starts_at

    @property
    def length(self) -> timedelta:
        """How long it lasts: elapsed time (UTC, so a night across a clock change is 7 or 9 hours), or whole days."""
        if self.start_date is not None and self.end_date is not None:
            return self.end_date - self.start_date
        assert self.starts_at is not None
        assert self.ends_at is not None
        return self.ends_at.astimezone(UTC) - self.starts_at.astimezone(UTC)


def recurrence_id_of(original: datetime | date) -> datetime:
    """planner's key of an occurrence: its original start in UTC, or its original date at 00:00 UTC."""
    if isinstance(original, datetime):
        return original.astimezone(UTC)
    return datetime.combine(original, time(0), tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class CalendarFileOverride:
    """One occurrence of a series that was moved or changed (a VEVENT with RECURRENCE-ID)."""

    recurrence_id: datetime
    """The occurrence's original start in UTC (its original date at 00:00 UTC in an all-day series)."""
    title: str
    description: str = ""
    location: str = ""
    times: EventTimes
    sequence: int = 0


@dataclass(frozen=True, kw_only=True)
class CalendarFilePerson:
    """An ORGANIZER or ATTENDEE: a mailto address, a name, and (for an attendee) their PARTSTAT."""

    email: str
    name: str
    answer: str | None = None
    """RFC 5545 PARTSTAT (NEEDS-ACTION, ACCEPTED, DECLINED, TENTATIVE); None for the organizer."""


@dataclass(frozen=True, kw_only=True)
class CalendarFileEvent:
    """A single event or a series of an iCalendar file, with the overrides of its occurrences."""

    uid: str
    title: str
    description: str = ""
    location: str = ""
    timezone: str = "UTC"
    """The IANA zone the series repeats in (and a timed event is shown in)."""
    times: EventTimes
    recurrence: Recurrence | None = None
    overrides: tuple[CalendarFileOverride, ...] = ()
    sequence: int = 0
    """SEQUENCE: planner's version of the event."""
    stamp: datetime | None = None
    """DTSTAMP: when the file was written (or the event last changed)."""
    cancelled: bool = False
    """STATUS:CANCELLED: the event was called off (a download of a cancelled event says so)."""
    transparency: Transparency | None = None
    """TRANSP: OPAQUE is busy, TRANSPARENT free; None when the file does not say (planner's default then)."""
    organizer: CalendarFilePerson | None = None
    """ORGANIZER: written in scheduling messages (iMIP invitations), where clients need it to answer."""
    attendees: tuple[CalendarFilePerson, ...] = ()
    """ATTENDEEs: written in scheduling messages (iMIP invitations)."""
    recurrence_id: datetime | None = None
    """RECURRENCE-ID: the file speaks of this one occurrence of the series (an iTIP CANCEL of it), not of the series."""

    @property
    def all_day(self) -> bool:
        return self.times.all_day


@dataclass(frozen=True)
class SkippedItem:
    """Something of a file that is not imported, and why."""

    uid: str
    reason: str


@dataclass(frozen=True)
class CalendarFile:
    """What an iCalendar file holds that planner can import, and what it cannot (never dropped silently)."""

    events: tuple[CalendarFileEvent, ...]
    skipped: tuple[SkippedItem, ...] = ()
    name: str | None = None
    """The calendar's name (X-WR-CALNAME / NAME), when the file gives one."""


class CalendarFileReader(Protocol):
    """Reads iCalendar bytes; refuses bytes that are not iCalendar with NotACalendarFile."""

    def read(self, data: bytes) -> CalendarFile: ...


class CalendarFileWriter(Protocol):
    """Writes events (series with their overrides) as one iCalendar file, with the VTIMEZONEs they use."""

    def write(self, events: list[CalendarFileEvent], *, name: str | None = None, method: str | None = None) -> bytes:
        """The file; with `method` (REQUEST, CANCEL: RFC 5546) a scheduling message for an invitation email."""
        ...
