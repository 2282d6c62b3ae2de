"""Events, their participants and RSVPs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from domain.scheduling.event import Event as DomainEvent
from domain.scheduling.event import EventChanges, NewEvent
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.reminders import DEFAULT_REMINDERS
from entrypoints.http.schemas.fields import (
    AwareDateTime,
    Email,
    EventDescription,
    EventLocation,
    EventTitle,
    Participants,
    Reminders,
    TimeZoneName,
)
from entrypoints.http.unset import unset_to_domain


class Participant(msgspec.Struct):
    user_id: UUID
    email: str
    name: str
    status: str


class Event(msgspec.Struct):
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

    @classmethod
    def of(cls, event: DomainEvent) -> Event:
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
        )


class EventList(msgspec.Struct):
    items: list[Event]


class EventCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: EventTitle
    starts_at: AwareDateTime
    ends_at: AwareDateTime
    calendar_id: UUID | None = None
    description: EventDescription = ""
    location: EventLocation = ""
    timezone: TimeZoneName | None = None
    all_day: bool = False
    room_id: UUID | None = None
    participants: Participants = msgspec.field(default_factory=list)
    reminders: Reminders | None = None

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
        )


class ParticipantAdd(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class ResponseIn(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["accepted", "declined", "tentative"]

    def answer(self) -> ParticipantStatus:
        return ParticipantStatus(self.status)
