"""The event form as the person typed it: read from the posted form, checked for shape, errors kept per field.

Rules about events (titles, time ranges, rooms, guests) stay in the use cases; this only turns
what the browser sends (local date-times in a chosen time zone) into a command's values, and the
use cases' refusals back into messages next to the right input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar.datastructures.multi_dicts import MultiMixin

from domain.changes import UNSET
from domain.errors import DomainError, InvalidInput, RoomAlreadyBooked
from domain.scheduling.event import Event, EventChanges, NewEvent
from domain.scheduling.occurrence import Occurrence
from domain.scheduling.participant import ANSWERS, ParticipantStatus
from domain.scheduling.recurrence import WEEKDAYS, Recurrence
from domain.scheduling.room import MAX_CAPACITY
from entrypoints.web.repeat import Repeat, RepeatInvalid, monthly_labels, posted_repeat, repeat_of
from entrypoints.web.week import all_day_dates

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
# The use cases name fields as the JSON API does; the form's inputs are named a little differently.
FIELD_OF = {
    "starts_at": "starts",
    "ends_at": "ends",
    "room_id": "room_id",
    "calendar_id": "calendar_id",
    "recurrence.rule": "repeat",
    "recurrence": "repeat",
}


@dataclass(frozen=True)
class EventValues:
    """What a valid form asks for: the event, its calendar and its guests, ready for CreateEvent / UpdateEvent."""

    event: NewEvent
    calendar_id: UUID | None
    participants: list[str]

    def changes(self, current: Recurrence | None = None) -> EventChanges:
        """The fields the form shows, as an edit of the whole series sets them.

        The series' EXDATEs and RDATEs (`current`'s) stay: the form shows only the rule.
        """
        event = self.event
        recurrence = event.recurrence
        if recurrence is not None and current is not None:
            recurrence = replace(recurrence, exdates=current.exdates, rdates=current.rdates)
        return EventChanges(
            title=event.title,
            all_day=event.all_day,
            start_date=UNSET if event.start_date is None else event.start_date,
            end_date=UNSET if event.end_date is None else event.end_date,
            recurrence=recurrence,
            description=event.description,
            location=event.location,
            starts_at=UNSET if event.starts_at is None else event.starts_at,
            ends_at=UNSET if event.ends_at is None else event.ends_at,
            timezone=UNSET if event.timezone is None else event.timezone,
            room_id=event.room_id,
            reminders=event.reminders,
        )


@dataclass
class EventForm:
    title: str = ""
    description: str = ""
    location: str = ""
    starts: str = ""
    ends: str = ""
    timezone: str = "UTC"
    all_day: bool = False
    calendar_id: str = ""
    room_id: str = ""
    capacity: str = "1"
    participants: list[str] = field(default_factory=list)
    reminders: str = "15"
    version: str = ""
    revision: str = ""  # editing one occurrence: the revision it had when the form was filled in
    repeat: Repeat = field(default_factory=Repeat)
    scope: str = "this"  # editing one occurrence: this, following or all
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, starts: datetime, timezone: str, *, ends: datetime | None = None) -> EventForm:
        """An empty form for a slot: an hour from `starts` unless `ends` says otherwise."""
        return cls(
            starts=starts.strftime(LOCAL_INPUT),
            ends=(ends or starts + timedelta(hours=1)).strftime(LOCAL_INPUT),
            timezone=timezone,
            repeat=Repeat(days=[WEEKDAYS[starts.weekday()]]),  # weekly on the start's day, unless changed
        )

    @classmethod
    def of_event(cls, event: Event) -> EventForm:
        form = cls.of_occurrence(event)
        form.show_repeat(None if event.recurrence is None else event.recurrence.rule)
        return form

    def show_repeat(self, rule: str | None) -> None:
        """Set the repeat picker to `rule` (None: does not repeat), read from the form's start date."""
        first = datetime.fromisoformat(self.starts).date()
        self.repeat = repeat_of(rule, first)
        self.repeat.days = self.repeat.days or [WEEKDAYS[first.weekday()]]

    @classmethod
    def of_occurrence(cls, event: Event | Occurrence) -> EventForm:
        """The form filled in with what an event, or one occurrence of a series, holds (no repeat)."""
        zone = ZoneInfo(event.timezone)
        starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        if event.all_day:  # the form shows an all-day event's first and last day
            first, end = all_day_dates(event)
            starts, ends = datetime.combine(first, time()), datetime.combine(end - timedelta(days=1), time())
        return cls(
            title=event.title,
            description=event.description,
            location=event.location,
            starts=starts.strftime(LOCAL_INPUT),
            ends=ends.strftime(LOCAL_INPUT),
            timezone=event.timezone,
            all_day=event.all_day,
            calendar_id=str(event.calendar_id),
            room_id="" if event.room_id is None else str(event.room_id),
            participants=[p.email for p in event.participants],
            reminders=", ".join(str(m) for m in event.reminders),
            version=str(event.version),
            revision=event.revision if isinstance(event, Occurrence) else "",
        )

    @classmethod
    def posted(cls, form: MultiMixin[Any]) -> EventForm:
        def text(name: str, default: str = "") -> str:
            value = form.get(name, default)
            return value.strip() if isinstance(value, str) else default

        return cls(
            title=text("title"),
            description=text("description"),
            location=text("location"),
            starts=text("starts"),
            ends=text("ends"),
            timezone=text("timezone") or "UTC",
            all_day=text("all_day") in {"on", "true", "1"},
            calendar_id=text("calendar_id"),
            room_id=text("room_id"),
            capacity=text("capacity", "1") or "1",
            participants=[p.strip() for p in form.getall("participants", []) if isinstance(p, str) and p.strip()],
            reminders=text("reminders"),
            version=text("version"),
            revision=text("revision"),
            repeat=posted_repeat(
                {name: text(name) for name in _REPEAT_FIELDS},
                [d for d in form.getall("repeat_days", []) if isinstance(d, str)],
            ),
        )

    def first_date(self) -> date | None:
        """The date the series starts on, as typed (for the picker's wording)."""
        try:
            return datetime.fromisoformat(self.starts).date()
        except ValueError:
            return None

    def monthly_labels(self) -> dict[str, str]:
        first = self.first_date()
        if first is None:
            return {"day": "on the same day of the month", "weekday": "on the same weekday of the month"}
        return monthly_labels(first)

    def zone(self) -> ZoneInfo | None:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    def slot(self) -> tuple[datetime, datetime] | None:
        """The start and end as aware times, when both parse and the zone is known."""
        zone = self.zone()
        starts, ends = _local_time(self.starts, zone), _local_time(self.ends, zone)
        return None if starts is None or ends is None else (starts, ends)

    def chosen_room(self) -> UUID | None:
        return _uuid(self.room_id)

    def min_capacity(self) -> int:
        return int(self.capacity) if self.capacity.isdigit() and 0 < int(self.capacity) <= MAX_CAPACITY else 1

    def expected_version(self) -> int | None:
        return int(self.version) if self.version.isdigit() else None

    def expected_revision(self) -> str | None:
        return self.revision or None

    def values(self) -> EventValues | None:
        """The checked values, or None with `errors` filled in."""
        self.errors = {}
        zone = self.zone()
        if zone is None:
            self.errors["timezone"] = "Pick a time zone such as Europe/Paris."
        starts, ends = _local_time(self.starts, zone), _local_time(self.ends, zone)
        if starts is None and zone is not None:
            self.errors["starts"] = "Enter a start date and time."
        if ends is None and zone is not None:
            self.errors["ends"] = "Enter an end date and time."
        if not self.all_day:  # whole days start at midnight, whatever the clocks do that night
            for name, moment in (("starts", starts), ("ends", ends)):
                if moment is not None and not _exists(moment):
                    self.errors[name] = _skipped(moment)
        calendar_id = _uuid(self.calendar_id)
        if self.calendar_id and calendar_id is None:
            self.errors["calendar_id"] = "Pick one of your calendars."
        room_id = _uuid(self.room_id)
        if self.room_id and room_id is None:
            self.errors["room_id"] = "Pick a room from the list."
        reminders = _minutes(self.reminders)
        if reminders is None:
            self.errors["reminders"] = "Reminders are minutes before the start, separated by commas (e.g. 10, 60)."
        recurrence = self._recurrence(starts)
        dates = None
        if self.all_day and starts is not None and ends is not None:
            dates = self._whole_days(starts, ends)
        if self.errors or starts is None or ends is None or reminders is None:
            return None
        event = NewEvent(
            title=self.title,
            starts_at=None if dates else starts,
            ends_at=None if dates else ends,
            start_date=dates[0] if dates else None,
            end_date=dates[1] if dates else None,
            recurrence=recurrence,
            description=self.description,
            location=self.location,
            all_day=self.all_day,
            timezone=self.timezone,
            room_id=room_id,
            reminders=reminders,
        )
        return EventValues(event=event, calendar_id=calendar_id, participants=self.participants)

    def _whole_days(self, starts: datetime, ends: datetime) -> tuple[date, date]:
        """An all-day event's dates, from the start's date to the end's date, both included (end exclusive)."""
        first, last = starts.date(), ends.date()
        if last < first:
            self.errors["ends"] = "The last day cannot be before the first."
        return first, max(last, first) + timedelta(days=1)

    def _recurrence(self, starts: datetime | None) -> Recurrence | None:
        if starts is None:
            return None
        try:
            rule = self.repeat.rule(starts.date())
            return None if rule is None else Recurrence.of(rule)
        except RepeatInvalid as invalid:
            self.errors[invalid.field] = invalid.message
        except InvalidInput as invalid:
            self.errors["repeat"] = _sentence(invalid.detail)
        return None

    def refused(self, error: DomainError) -> None:
        """Put a use case's refusal next to the input it is about."""
        if isinstance(error, RoomAlreadyBooked):
            zone = self.zone() or ZoneInfo("UTC")
            taken = f"{error.starts_at.astimezone(zone):%a %d %b %H:%M}-{error.ends_at.astimezone(zone):%H:%M}"
            self.errors["room_id"] = f"This room is already booked {taken}. Pick another room or another time."
        elif isinstance(error, InvalidInput):
            self.errors[FIELD_OF.get(error.field, error.field)] = _sentence(error.detail)
        else:
            self.errors["form"] = _sentence(error.detail)


_REPEAT_FIELDS = (
    "repeat",
    "repeat_monthly_by",
    "repeat_interval",
    "repeat_unit",
    "repeat_ends",
    "repeat_until",
    "repeat_count",
    "repeat_rule",
)


def _local_time(value: str, zone: ZoneInfo | None) -> datetime | None:
    if zone is None or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


def _exists(moment: datetime) -> bool:
    """Whether a wall-clock time happens in its zone (not in the hour skipped when clocks go forward)."""
    again = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return again.replace(tzinfo=None) == moment.replace(tzinfo=None)


def _skipped(moment: datetime) -> str:
    return (
        f"{moment:%H:%M} does not exist on {moment:%d %B %Y} in {moment.tzinfo}: the clocks go forward that night."
        " Pick a time before or after the change."
    )


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


def _minutes(value: str) -> list[int] | None:
    parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    if not all(p.isdigit() and len(p) <= 6 for p in parts):
        return None
    return [int(p) for p in parts]


def _sentence(detail: str) -> str:
    detail = detail.replace("ends_at", "the end").replace("starts_at", "the start")
    return detail[:1].upper() + detail[1:] + ("" if detail.endswith(".") else ".")


def rsvp(value: object) -> ParticipantStatus:
    """The answer a posted RSVP form chose; InvalidInput naming `status` for anything else."""
    if not isinstance(value, str) or value not in ANSWERS:
        raise InvalidInput("status", "status must be accepted, declined or tentative")
    return ParticipantStatus(value)


def known_people(events: Sequence[Event | Occurrence], *, excluding: str) -> list[str]:
    """Emails of the people I share events with, for the participants field's suggestions."""
    seen = {p.email for e in events for p in e.participants if p.email != excluding}
    return sorted(seen)
