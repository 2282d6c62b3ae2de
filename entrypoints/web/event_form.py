"""The event form as the person typed it: read from the posted form, checked for shape, errors kept per field.

Rules about events (titles, time ranges, rooms, guests) stay in the use cases; this only turns
what the browser sends (local date-times in a chosen time zone) into a command's values, and the
use cases' refusals back into messages next to the right input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar.datastructures.multi_dicts import MultiMixin

from domain.changes import UNSET
from domain.errors import DomainError, InvalidInput, RoomAlreadyBooked
from domain.scheduling.event import Event, EventChanges, NewEvent
from domain.scheduling.occurrence import Occurrence
from domain.scheduling.participant import ANSWERS, ParticipantStatus
from domain.scheduling.room import MAX_CAPACITY

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
# The use cases name fields as the JSON API does; the form's inputs are named a little differently.
FIELD_OF = {"starts_at": "starts", "ends_at": "ends", "room_id": "room_id", "calendar_id": "calendar_id"}


@dataclass(frozen=True)
class EventValues:
    """What a valid form asks for: the event, its calendar and its guests, ready for CreateEvent / UpdateEvent."""

    event: NewEvent
    calendar_id: UUID | None
    participants: list[str]

    def changes(self) -> EventChanges:
        """The fields the form shows, as an edit sets them (all_day, not on the form, stays)."""
        event = self.event
        return EventChanges(
            title=event.title,
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
    calendar_id: str = ""
    room_id: str = ""
    capacity: str = "1"
    participants: list[str] = field(default_factory=list)
    reminders: str = "15"
    version: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, starts: datetime, timezone: str) -> EventForm:
        return cls(
            starts=starts.strftime(LOCAL_INPUT),
            ends=(starts + timedelta(hours=1)).strftime(LOCAL_INPUT),
            timezone=timezone,
        )

    @classmethod
    def of_event(cls, event: Event) -> EventForm:
        zone = ZoneInfo(event.timezone)
        return cls(
            title=event.title,
            description=event.description,
            location=event.location,
            starts=event.starts_at.astimezone(zone).strftime(LOCAL_INPUT),
            ends=event.ends_at.astimezone(zone).strftime(LOCAL_INPUT),
            timezone=event.timezone,
            calendar_id=str(event.calendar_id),
            room_id="" if event.room_id is None else str(event.room_id),
            participants=[p.email for p in event.participants],
            reminders=", ".join(str(m) for m in event.reminders),
            version=str(event.version),
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
            calendar_id=text("calendar_id"),
            room_id=text("room_id"),
            capacity=text("capacity", "1") or "1",
            participants=[p.strip() for p in form.getall("participants", []) if isinstance(p, str) and p.strip()],
            reminders=text("reminders"),
            version=text("version"),
        )

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
        calendar_id = _uuid(self.calendar_id)
        if self.calendar_id and calendar_id is None:
            self.errors["calendar_id"] = "Pick one of your calendars."
        room_id = _uuid(self.room_id)
        if self.room_id and room_id is None:
            self.errors["room_id"] = "Pick a room from the list."
        reminders = _minutes(self.reminders)
        if reminders is None:
            self.errors["reminders"] = "Reminders are minutes before the start, separated by commas (e.g. 10, 60)."
        if self.errors or starts is None or ends is None or reminders is None:
            return None
        event = NewEvent(
            title=self.title,
            starts_at=starts,
            ends_at=ends,
            description=self.description,
            location=self.location,
            timezone=self.timezone,
            room_id=room_id,
            reminders=reminders,
        )
        return EventValues(event=event, calendar_id=calendar_id, participants=self.participants)

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


def _local_time(value: str, zone: ZoneInfo | None) -> datetime | None:
    if zone is None or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


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
