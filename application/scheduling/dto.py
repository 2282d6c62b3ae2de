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
class CalendarCommand:
    """What every command about one calendar names: who asks, and the calendar."""

    actor_id: UUID
    calendar_id: UUID


@dataclass(frozen=True, kw_only=True)
class EventCommand:
    """What every command about one event names: who asks, and the event (the series)."""

    actor_id: UUID
    event_id: UUID


@dataclass(frozen=True, kw_only=True)
class OccurrenceCommand(EventCommand):
    """A command about one occurrence of a series, named by its recurrence id (its original start)."""

    recurrence_id: datetime


@dataclass(frozen=True, kw_only=True)
class RoomCommand:
    """What every command about one room names: who asks, and the room."""

    actor_id: UUID
    room_id: UUID


@dataclass(frozen=True, kw_only=True)
class CreateCalendar:
    """Create a calendar owned by the actor."""

    actor_id: UUID
    name: str
    color: str = DEFAULT_COLOR
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateCalendar(CalendarCommand):
    """Change a calendar's name, color or description (its owners only)."""

    changes: CalendarChanges


@dataclass(frozen=True, kw_only=True)
class DeleteCalendar(CalendarCommand):
    """Delete a calendar and its events."""


@dataclass(frozen=True, kw_only=True)
class ShareCalendar(CalendarCommand):
    """Give the user with `email` a role (owner, editor or viewer) on a calendar."""

    email: str
    role: CalendarRole


@dataclass(frozen=True, kw_only=True)
class UnshareCalendar(CalendarCommand):
    """Take a member off a calendar (or leave it, when `user_id` is the actor)."""

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
class UpdateEvent(EventCommand):
    """Change an event; `participants` (emails), when set, replaces the guest list.

    The guest list is named by email here and resolved to the `invitees` of the changes by the use
    case. `expected_version` comes from If-Match; None means no precondition.
    """

    changes: EventChanges
    participants: Sequence[str] | UnsetType = UNSET
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CancelEvent(EventCommand):
    """Call an event off (what deleting it means); `expected_version` as in UpdateEvent."""

    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class AddParticipant(EventCommand):
    """Invite the user with `email` to an event."""

    email: str


@dataclass(frozen=True, kw_only=True)
class RemoveParticipant(EventCommand):
    """Take someone off an event's guest list (or leave it, when `user_id` is the actor)."""

    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class Respond(EventCommand):
    """Answer an invitation: accepted, declined or tentative; for one occurrence when `recurrence_id` is set."""

    status: ParticipantStatus
    recurrence_id: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class GetOccurrence(OccurrenceCommand):
    """Read one occurrence of a series, named by its recurrence id (its original start)."""


@dataclass(frozen=True, kw_only=True)
class UpdateOccurrence(OccurrenceCommand):
    """Change one occurrence (`scope` this) or it and the following ones (`scope` following: a split).

    `expected_revision` is the occurrence's revision the client edited (from If-Match); None means no
    precondition. Changes to the series' other occurrences since then do not make it stale.
    """

    changes: EventChanges
    scope: OccurrenceScope = OccurrenceScope.THIS
    participants: Sequence[str] | UnsetType = UNSET
    expected_revision: str | None = None


@dataclass(frozen=True, kw_only=True)
class CancelOccurrence(OccurrenceCommand):
    """Call off one occurrence (`scope` this) or it and the following ones (`scope` following)."""

    scope: OccurrenceScope = OccurrenceScope.THIS
    expected_revision: str | None = None


@dataclass(frozen=True, kw_only=True)
class CreateRoom:
    """Add a meeting room (administrators only)."""

    actor_id: UUID
    name: str
    capacity: int
    location: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateRoom(RoomCommand):
    """Change a room's name, capacity or location (administrators only)."""

    changes: RoomChanges


@dataclass(frozen=True, kw_only=True)
class DeleteRoom(RoomCommand):
    """Remove a room (administrators only)."""


@dataclass(frozen=True, kw_only=True)
class RoomAvailability:
    """When a room is taken and free within a window."""

    room: Room
    window: TimeRange
    bookings: list[RoomBooking]
    free: list[TimeRange]
