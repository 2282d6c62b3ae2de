"""Scheduling's domain events; `affected_user_ids` says whom a notification should reach.

Invitations are told only by ParticipantInvited (one per invitee, also right after EventCreated),
so a consumer has exactly one way to learn that someone was invited.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from domain.domain_events import DomainEvent
from domain.scheduling.participant import ParticipantStatus


def audience(user_ids: Iterable[UUID], *, excluding: UUID | None) -> tuple[UUID, ...]:
    """Return the distinct `user_ids` in order, leaving out whoever caused the event."""
    return tuple(dict.fromkeys(user_id for user_id in user_ids if user_id != excluding))


@dataclass(frozen=True, kw_only=True)
class UserRegistered(DomainEvent):
    """Someone signed up."""

    name: ClassVar[str] = "user_registered"

    user_id: UUID
    email: str
    is_admin: bool


@dataclass(frozen=True, kw_only=True)
class UserPromoted(DomainEvent):
    """A user became an administrator."""

    name: ClassVar[str] = "user_promoted"

    user_id: UUID
    by_user_id: UUID | None


@dataclass(frozen=True, kw_only=True)
class CalendarCreated(DomainEvent):
    """A calendar came into being."""

    name: ClassVar[str] = "calendar_created"

    calendar_id: UUID
    owner_id: UUID
    is_personal: bool


@dataclass(frozen=True, kw_only=True)
class CalendarUpdated(DomainEvent):
    """A calendar's name, color or description changed."""

    name: ClassVar[str] = "calendar_updated"

    calendar_id: UUID
    by_user_id: UUID
    changed_fields: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MembershipChanged(DomainEvent):
    """What every change of someone's access to a calendar names."""

    calendar_id: UUID
    user_id: UUID
    by_user_id: UUID


@dataclass(frozen=True, kw_only=True)
class CalendarShared(MembershipChanged):
    """Someone was given (or given another) role on a calendar; `role` is owner, editor or viewer."""

    name: ClassVar[str] = "calendar_shared"

    role: str


@dataclass(frozen=True, kw_only=True)
class CalendarUnshared(MembershipChanged):
    """Someone lost access to a calendar."""

    name: ClassVar[str] = "calendar_unshared"


@dataclass(frozen=True, kw_only=True)
class CalendarDeleted(DomainEvent):
    """A calendar and its events are gone."""

    name: ClassVar[str] = "calendar_deleted"

    calendar_id: UUID
    by_user_id: UUID


@dataclass(frozen=True, kw_only=True)
class EventCreated(DomainEvent):
    """An event was put in a calendar."""

    name: ClassVar[str] = "event_created"

    event_id: UUID
    calendar_id: UUID
    organizer_id: UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    room_id: UUID | None
    reminders: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class EventUpdated(DomainEvent):
    """Some of an event's own fields changed; `changed_fields` names them as the API does."""

    name: ClassVar[str] = "event_updated"

    event_id: UUID
    calendar_id: UUID
    by_user_id: UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    changed_fields: tuple[str, ...]
    version: int
    recurrence_id: datetime | None = None
    """The occurrence changed (its original start), or None when the event (the whole series) changed."""
    room_id: UUID | None = None
    """The room it holds now (the occurrence's, for one occurrence)."""
    previous_room_id: UUID | None = None
    """The room it held before this change; differs from `room_id` only when the room changed."""


@dataclass(frozen=True, kw_only=True)
class EventCancelled(DomainEvent):
    """An event (or, with a `recurrence_id`, one occurrence of a series) was called off; its room is free again."""

    name: ClassVar[str] = "event_cancelled"

    event_id: UUID
    calendar_id: UUID
    by_user_id: UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    recurrence_id: datetime | None = None
    room_id: UUID | None = None
    """The room it held, free again now (the occurrence's, for one occurrence)."""


@dataclass(frozen=True, kw_only=True)
class GuestListChanged(DomainEvent):
    """What every change of an event's guest list names: whose place changed, by whom, on which event."""

    event_id: UUID
    user_id: UUID
    by_user_id: UUID
    title: str


@dataclass(frozen=True, kw_only=True)
class ParticipantInvited(GuestListChanged):
    """Someone was invited to an event."""

    name: ClassVar[str] = "participant_invited"

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, kw_only=True)
class ParticipantRemoved(GuestListChanged):
    """Someone was taken off (or left) an event's guest list."""

    name: ClassVar[str] = "participant_removed"


@dataclass(frozen=True, kw_only=True)
class ParticipantResponded(DomainEvent):
    """An invitee answered; the organizer is the one to tell."""

    name: ClassVar[str] = "participant_responded"

    event_id: UUID
    user_id: UUID
    organizer_id: UUID
    status: ParticipantStatus
    title: str
    recurrence_id: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class OccurrenceRoomDeclined(DomainEvent):
    """A series' occurrence, stored as its horizon moved on, found its room taken: it is kept without the room.

    Nobody made the change (the horizon cron did); the organizer is the one to tell.
    """

    name: ClassVar[str] = "occurrence_room_declined"

    event_id: UUID
    organizer_id: UUID
    room_id: UUID
    recurrence_id: datetime
    title: str
    starts_at: datetime
    ends_at: datetime
