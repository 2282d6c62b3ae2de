"""Commands (what a caller asks for, in the imperative) and query results of the scheduling use cases.

`actor_id` is always the signed-in user the entrypoint authenticated. A command carries the domain's
own change objects and enums (`EventChanges`, `CalendarChanges`, `RoomChanges`, `CalendarRole`,
`ParticipantStatus`), so the fields of each are written down once, in the domain; the entrypoint
parses the request into them. What only the application resolves, people named by email, travels
beside them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.changes import UNSET, UnsetType
from domain.scheduling.calendar import DEFAULT_COLOR, CalendarChanges, CalendarRole
from domain.scheduling.event import EventChanges, NewEvent
from domain.scheduling.occurrence import OccurrenceScope
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.room import Room, RoomBooking, RoomChanges
from domain.scheduling.time_range import TimeRange


@dataclass(frozen=True, kw_only=True)
class CreateCalendar:
    """Create a calendar owned by the actor."""

    actor_id: UUID
    name: str
    color: str = DEFAULT_COLOR
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateCalendar:
    """Change a calendar's name, color or description (its owners only)."""

    actor_id: UUID
    calendar_id: UUID
    changes: CalendarChanges


@dataclass(frozen=True, kw_only=True)
class DeleteCalendar:
    """Delete a calendar and its events."""

    actor_id: UUID
    calendar_id: UUID


@dataclass(frozen=True, kw_only=True)
class ShareCalendar:
    """Give the user with `email` a role (owner, editor or viewer) on a calendar."""

    actor_id: UUID
    calendar_id: UUID
    email: str
    role: CalendarRole


@dataclass(frozen=True, kw_only=True)
class UnshareCalendar:
    """Take a member off a calendar (or leave it, when `user_id` is the actor)."""

    actor_id: UUID
    calendar_id: UUID
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class CreateEvent:
    """Put an event in a calendar (the actor's personal one without `calendar_id`) and invite people by email.

    `participants` (emails) are resolved to the new event's `invitees` by the use case.
    """

    actor_id: UUID
    event: NewEvent
    calendar_id: UUID | None = None
    participants: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class UpdateEvent:
    """Change an event; `participants` (emails), when set, replaces the guest list.

    The guest list is named by email here and resolved to the `invitees` of the changes by the use
    case. `expected_version` comes from If-Match; None means no precondition.
    """

    actor_id: UUID
    event_id: UUID
    changes: EventChanges
    participants: Sequence[str] | UnsetType = UNSET
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CancelEvent:
    """Call an event off (what deleting it means); `expected_version` as in UpdateEvent."""

    actor_id: UUID
    event_id: UUID
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class AddParticipant:
    """Invite the user with `email` to an event."""

    actor_id: UUID
    event_id: UUID
    email: str


@dataclass(frozen=True, kw_only=True)
class RemoveParticipant:
    """Take someone off an event's guest list (or leave it, when `user_id` is the actor)."""

    actor_id: UUID
    event_id: UUID
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class Respond:
    """Answer an invitation: accepted, declined or tentative; for one occurrence when `recurrence_id` is set."""

    actor_id: UUID
    event_id: UUID
    status: ParticipantStatus
    recurrence_id: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class GetOccurrence:
    """Read one occurrence of a series, named by its recurrence id (its original start)."""

    actor_id: UUID
    event_id: UUID
    recurrence_id: datetime


@dataclass(frozen=True, kw_only=True)
class UpdateOccurrence:
    """Change one occurrence (`scope` this) or it and the following ones (`scope` following: a split)."""

    actor_id: UUID
    event_id: UUID
    recurrence_id: datetime
    changes: EventChanges
    scope: OccurrenceScope = OccurrenceScope.THIS
    participants: Sequence[str] | UnsetType = UNSET
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CancelOccurrence:
    """Call off one occurrence (`scope` this) or it and the following ones (`scope` following)."""

    actor_id: UUID
    event_id: UUID
    recurrence_id: datetime
    scope: OccurrenceScope = OccurrenceScope.THIS
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CreateRoom:
    """Add a meeting room (administrators only)."""

    actor_id: UUID
    name: str
    capacity: int
    location: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateRoom:
    """Change a room's name, capacity or location (administrators only)."""

    actor_id: UUID
    room_id: UUID
    changes: RoomChanges


@dataclass(frozen=True, kw_only=True)
class DeleteRoom:
    """Remove a room (administrators only)."""

    actor_id: UUID
    room_id: UUID


@dataclass(frozen=True, kw_only=True)
class RoomAvailability:
    """When a room is taken and free within a window."""

    room: Room
    window: TimeRange
    bookings: list[RoomBooking]
    free: list[TimeRange]
