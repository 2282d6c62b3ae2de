"""Ports of scheduling: where aggregates are kept, and how passwords are hashed.

Repositories return None for an unknown id and never check permissions (use cases do).
The user, calendar and event repositories' `add`, `save` and `remove` also hand the aggregate to
the unit of work, which collects the domain events it recorded (see application.unit_of_work).
"""

from collections.abc import Collection
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event
from domain.scheduling.occurrence import Occurrence
from domain.scheduling.room import Room, RoomBooking
from domain.scheduling.time_range import TimeRange


class CalendarRepository(Protocol):
    """Calendars with their members."""

    async def get(self, calendar_id: UUID) -> Calendar | None:
        """Return the calendar with its members."""
        ...

    async def personal_calendar_of(self, user_id: UUID) -> Calendar | None:
        """Return the personal calendar the user got on registration."""
        ...

    async def list_for_member(self, user_id: UUID) -> list[Calendar]:
        """Return the calendars the user is a member of: the personal one first, then by name."""
        ...

    async def add(self, calendar: Calendar) -> None:
        """Store a new calendar and its members."""
        ...

    async def save(self, calendar: Calendar) -> None:
        """Store the changes made to a calendar: its fields and its whole member list."""
        ...

    async def remove(self, calendar: Calendar) -> None:
        """Delete the calendar, its members and its events."""
        ...


class RoomRepository(Protocol):
    """Meeting rooms."""

    async def get(self, room_id: UUID) -> Room | None:
        """Return the room."""
        ...

    async def find(self, room_ids: Collection[UUID]) -> list[Room]:
        """Return the rooms of these ids that exist, each once (in no particular order)."""
        ...

    async def list_all(self) -> list[Room]:
        """Return every room, by name."""
        ...

    async def list_free(self, slot: TimeRange, min_capacity: int) -> list[Room]:
        """Return rooms seating at least `min_capacity` with no confirmed event overlapping `slot`.

        Sorted by capacity, then name: the snuggest fit first.
        """
        ...

    async def add(self, room: Room) -> None:
        """Store a new room."""
        ...

    async def save(self, room: Room) -> None:
        """Store the changes made to a room."""
        ...

    async def remove(self, room: Room) -> None:
        """Delete the room; events that booked it keep their slot and lose the room."""
        ...


class EventRepository(Protocol):
    """Events with their participants and reminders.

    `add` and `save` raise RoomAlreadyBooked when a confirmed event would overlap another confirmed
    event in the same room (slots are half-open, so back-to-back bookings are fine). PostgreSQL's
    exclusion constraint is the authority; the error may surface at `add`/`save`, at commit, or
    as the unit of work ends (a refused write is named once its transaction is rolled back).
    They raise InvalidInput naming `room_id` when the room does not exist (or was just deleted).
    """

    async def get(self, event_id: UUID) -> Event | None:
        """Return the event, to read."""
        ...

    async def find(self, event_ids: Collection[UUID]) -> list[Event]:
        """Return the events of these ids that exist, to read, each once (in no particular order)."""
        ...

    async def version(self, event_id: UUID) -> int | None:
        """Return the event's version (None if there is no such event): one small query, to see if it moved on."""
        ...

    async def get_for_update(self, event_id: UUID) -> Event | None:
        """Return the event locked until the unit of work ends, so concurrent writers queue up."""
        ...

    async def in_calendar(self, calendar_id: UUID, *, limit: int) -> list[Event]:
        """Return the calendar's events that are not cancelled (a series once), the latest `limit` by start."""
        ...

    async def add(self, event: Event) -> None:
        """Store a new event with its participants and reminders."""
        ...

    async def save(self, event: Event) -> None:
        """Store the changes made to an event: fields, status, version, participants, reminders."""
        ...

    async def list_visible_in_window(
        self,
        user_id: UUID,
        window: TimeRange,
        calendar_id: UUID | None = None,
        *,
        limit: int | None = None,
        viewer_zone: str = "UTC",
    ) -> list[Occurrence]:
        """Return the occurrences overlapping `window` that the user sees, sorted by start (the first `limit`).

        The user sees an event if they are a member of its calendar or one of its participants;
        with `calendar_id`, only that calendar's events. An all-day occurrence is in the window when
        its dates overlap the window's dates on the wall clock of `viewer_zone`.
        """
        ...

    async def count_visible_in_window(
        self, user_id: UUID, window: TimeRange, calendar_id: UUID | None = None, *, viewer_zone: str = "UTC"
    ) -> int:
        """How many occurrences `list_visible_in_window` would return without a limit."""
        ...

    async def room_bookings(self, room_id: UUID, window: TimeRange) -> list[RoomBooking]:
        """Return the confirmed events' bookings of the room overlapping `window`, sorted by start."""
        ...

    async def series_to_extend(self, now: datetime, until: datetime) -> list[UUID]:
        """The confirmed series whose stored occurrences may stop short of `until`: endless, or running at `now`."""
        ...

    async def extend_occurrences(self, event: Event, *, until: datetime) -> list[datetime]:
        """Store the series' occurrences starting before `until` that are not stored yet.

        An occurrence whose room is taken is stored without it (the database's refusal decides, and
        nothing is double-booked); answers their recurrence ids, for the series to decline those rooms.
        """
        ...
