"""Events, their participants and RSVPs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from domain.changes import UNSET
from domain.errors import InvalidInput
from domain.google_sync.model import AttendeeResponse, RemoteAttendee
from domain.scheduling.event import Event as DomainEvent
from domain.scheduling.event import EventChanges, NewEvent
from domain.scheduling.occurrence import Occurrence
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.recurrence import Recurrence, RecurrenceDate
from domain.scheduling.reminders import DEFAULT_REMINDERS
from domain.scheduling.transparency import Transparency
from entrypoints.http.schemas.fields import (
    AwareDateTime,
    Email,
    EventDate,
    EventDescription,
    EventLocation,
    EventTitle,
    Participants,
    RecurrenceDates,
    RecurrenceRule,
    Reminders,
    TimeZoneName,
)
from entrypoints.http.unset import unset_to_domain

TransparencyField = Annotated[
    Transparency,
    msgspec.Meta(
        description='RFC 5545 TRANSP: "busy" takes the people\'s time in free/busy and suggestions, "free" does '
        "not. Default: busy, or free for an all-day event",
        examples=["busy"],
    ),
]
RECURRENCE_ID_LENGTH = 40
"""Longer than any ISO 8601 time with an offset: a recurrence id as the API takes it."""


class Participant(msgspec.Struct):
    user_id: UUID
    email: str
    name: str
    status: str


class GoogleGuest(msgspec.Struct):
    """A guest of the Google event a mirrored event shows, with their answer in Google (Google invites them)."""

    email: str
    name: str
    status: Annotated[str, msgspec.Meta(examples=["accepted"])]
    """needs_action, accepted, declined or tentative, as participants' answers are named."""
    organizer: bool

    @classmethod
    def of(cls, guest: RemoteAttendee) -> GoogleGuest:
        return cls(email=guest.email, name=guest.name, status=_GUEST_STATUS[guest.response], organizer=guest.organizer)


_GUEST_STATUS = {
    AttendeeResponse.NEEDS_ACTION: ParticipantStatus.NEEDS_ACTION.value,
    AttendeeResponse.ACCEPTED: ParticipantStatus.ACCEPTED.value,
    AttendeeResponse.DECLINED: ParticipantStatus.DECLINED.value,
    AttendeeResponse.TENTATIVE: ParticipantStatus.TENTATIVE.value,
}


class RecurrenceIn(msgspec.Struct, forbid_unknown_fields=True):
    """How a series repeats: an RFC 5545 RRULE read in the event's timezone, and the starts it skips or adds."""

    rule: RecurrenceRule
    exdates: RecurrenceDates = msgspec.field(default_factory=list)
    rdates: RecurrenceDates = msgspec.field(default_factory=list)

    def recurrence(self) -> Recurrence:
        return Recurrence.of(
            self.rule,
            exdates=[recurrence_date(d, "recurrence.exdates") for d in self.exdates],
            rdates=[recurrence_date(d, "recurrence.rdates") for d in self.rdates],
        )


class RecurrenceOut(msgspec.Struct):
    rule: str
    exdates: list[str]
    rdates: list[str]

    @classmethod
    def of(cls, recurrence: Recurrence | None) -> RecurrenceOut | None:
        if recurrence is None:
            return None
        return cls(
            rule=recurrence.rule,
            exdates=[_iso(d) for d in recurrence.exdates],
            rdates=[_iso(d) for d in recurrence.rdates],
        )


class Event(msgspec.Struct):
    """An event, or one occurrence of a series (`series_id`, `recurrence_id`): `id` is always the event's."""

    id: UUID
    calendar_id: UUID
    organizer_id: UUID
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    timezone: str
    room_id: UUID | None
    status: str
    version: int
    participants: list[Participant]
    reminders: list[int]
    created_at: datetime
    updated_at: datetime
    start_date: date | None = None
    end_date: date | None = None
    recurrence: RecurrenceOut | None = None
    series_id: UUID | None = None
    """The series' id (the same as `id`) for an occurrence of a series; null for a single event."""
    recurrence_id: Annotated[str, msgspec.Meta(examples=["2027-03-22T09:00:00Z", "2027-03-17"])] | None = None
    """The occurrence's original start in UTC (its date in an all-day series): how the occurrence routes name it."""
    is_override: bool = False
    """Whether this occurrence was changed on its own (moved, renamed, ...)."""
    transparency: TransparencyField = Transparency.BUSY
    google_guests: list[GoogleGuest] = msgspec.field(default_factory=list)
    """For an event mirrored from Google: its guests there and their answers (read-only; empty otherwise)."""

    @classmethod
    def of(cls, event: DomainEvent | Occurrence, guests: Sequence[RemoteAttendee] = ()) -> Event:
        series = event.series if isinstance(event, Occurrence) else event
        recurrence_id = event.recurrence_id if isinstance(event, Occurrence) else None
        return cls(
            id=event.id,
            calendar_id=event.calendar_id,
            organizer_id=event.organizer_id,
            title=event.title,
            description=event.description,
            location=event.location,
            starts_at=event.time_range.starts_at,
            ends_at=event.time_range.ends_at,
            all_day=event.all_day,
            timezone=event.timezone,
            room_id=event.room_id,
            status=event.status.value,
            version=event.version,
            participants=[
                Participant(user_id=p.user_id, email=p.email, name=p.name, status=p.status.value)
                for p in event.participants
            ],
            reminders=list(event.reminders),
            created_at=event.created_at,
            updated_at=event.updated_at,
            start_date=event.start_date,
            end_date=event.end_date,
            recurrence=RecurrenceOut.of(series.recurrence),
            series_id=series.id if series.recurrence is not None else None,
            recurrence_id=None if recurrence_id is None else recurrence_id_text(recurrence_id, all_day=event.all_day),
            is_override=event.is_override if isinstance(event, Occurrence) else False,
            transparency=series.transparency,
            google_guests=[GoogleGuest.of(guest) for guest in guests],
        )


def recurrence_id_text(recurrence_id: datetime, *, all_day: bool) -> str:
    """How the API names an occurrence: its original start in UTC, or its date for an all-day series."""
    if all_day:
        return recurrence_id.date().isoformat()
    return recurrence_id.astimezone(UTC).isoformat().replace("+00:00", "Z")


def recurrence_date(text: str, field: str) -> RecurrenceDate:
    """An EXDATE/RDATE or recurrence id as the API takes it: a date, or a time with an offset."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(field, f"{text!r} is neither a date (2027-03-17) nor a time with an offset") from None
    if value.tzinfo is None:
        raise InvalidInput(field, f"{text!r} needs a UTC offset, e.g. 2027-03-15T09:00:00Z")
    return value


def parse_recurrence_id(text: str) -> datetime:
    """The recurrence id named in a URL: a time with an offset, or a date (an all-day series' occurrence)."""
    value = recurrence_date(text, "recurrence_id")
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day, tzinfo=UTC)


def _iso(value: RecurrenceDate) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


class EventList(msgspec.Struct):
    items: list[Event]


class EventCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: EventTitle
    starts_at: AwareDateTime | None = None
    ends_at: AwareDateTime | None = None
    start_date: EventDate | None = None
    end_date: EventDate | None = None
    recurrence: RecurrenceIn | None = None
    calendar_id: UUID | None = None
    description: EventDescription = ""
    location: EventLocation = ""
    timezone: TimeZoneName | None = None
    all_day: bool = False
    room_id: UUID | None = None
    participants: Participants = msgspec.field(default_factory=list)
    reminders: Reminders | None = None
    transparency: TransparencyField | None = None

    def new_event(self) -> NewEvent:
        """The event asked for; the guests, named by email, travel beside it."""
        return NewEvent(
            title=self.title,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            description=self.description,
            location=self.location,
            all_day=self.all_day,
            timezone=self.timezone,
            room_id=self.room_id,
            reminders=DEFAULT_REMINDERS if self.reminders is None else self.reminders,
            start_date=self.start_date,
            end_date=self.end_date,
            recurrence=None if self.recurrence is None else self.recurrence.recurrence(),
            transparency=self.transparency,
        )


class EventUpdate(msgspec.Struct, forbid_unknown_fields=True):
    title: EventTitle | msgspec.UnsetType = msgspec.UNSET
    starts_at: AwareDateTime | msgspec.UnsetType = msgspec.UNSET
    ends_at: AwareDateTime | msgspec.UnsetType = msgspec.UNSET
    description: EventDescription | msgspec.UnsetType = msgspec.UNSET
    location: EventLocation | msgspec.UnsetType = msgspec.UNSET
    timezone: TimeZoneName | msgspec.UnsetType = msgspec.UNSET
    all_day: bool | msgspec.UnsetType = msgspec.UNSET
    room_id: UUID | msgspec.UnsetType | None = msgspec.UNSET
    participants: Participants | msgspec.UnsetType = msgspec.UNSET
    reminders: Reminders | msgspec.UnsetType = msgspec.UNSET
    start_date: EventDate | msgspec.UnsetType = msgspec.UNSET
    end_date: EventDate | msgspec.UnsetType = msgspec.UNSET
    recurrence: RecurrenceIn | msgspec.UnsetType | None = msgspec.UNSET
    transparency: TransparencyField | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> EventChanges:
        """The event's own fields; the guest list, named by email, travels beside them."""
        return EventChanges(
            title=unset_to_domain(self.title),
            description=unset_to_domain(self.description),
            location=unset_to_domain(self.location),
            starts_at=unset_to_domain(self.starts_at),
            ends_at=unset_to_domain(self.ends_at),
            all_day=unset_to_domain(self.all_day),
            timezone=unset_to_domain(self.timezone),
            room_id=unset_to_domain(self.room_id),
            reminders=unset_to_domain(self.reminders),
            start_date=unset_to_domain(self.start_date),
            end_date=unset_to_domain(self.end_date),
            transparency=unset_to_domain(self.transparency),
            recurrence=(
                UNSET
                if self.recurrence is msgspec.UNSET
                else None
                if self.recurrence is None
                else self.recurrence.recurrence()
            ),
        )


class ParticipantAdd(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class ResponseIn(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["accepted", "declined", "tentative"]
    recurrence_id: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=RECURRENCE_ID_LENGTH,
                description="The occurrence's original start, or its date in an all-day series",
                examples=["2027-03-29T08:00:00Z"],
            ),
        ]
        | None
    ) = None
    """Answer for one occurrence of a series (its recurrence id) rather than for the whole series."""

    def answer(self) -> ParticipantStatus:
        return ParticipantStatus(self.status)
