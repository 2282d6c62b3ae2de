"""In-memory repositories of the scheduling aggregates, behaving like the PostgreSQL ones.

The fake unit of work (tests/fakes/unit_of_work.py) hands them a private copy of the committed
tables and publishes it on commit; aggregates go in and out as copies, so a change that was never
saved is never stored. Like the exclusion constraint, the event repository refuses a second
confirmed booking of a room for an overlapping slot.
"""

import copy
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from application.unit_of_work import SeenAggregates
from domain.accounts.user import User
from domain.domain_events import Aggregate
from domain.errors import EmailAlreadyRegistered, InvalidInput, RoomAlreadyBooked
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event
from domain.scheduling.occurrence import OCCURRENCE_HORIZON, Occurrence
from domain.scheduling.room import Room, RoomBooking
from domain.scheduling.time_range import TimeRange

Stored = TypeVar("Stored")


def _copy(item: Stored) -> Stored:
    duplicate = copy.deepcopy(item)
    if isinstance(duplicate, Aggregate):
        duplicate.pull_events()
    return duplicate


@dataclass
class Tables:
    """The rows of every table, keyed by id."""

    users: dict[UUID, User] = field(default_factory=dict)
    calendars: dict[UUID, Calendar] = field(default_factory=dict)
    rooms: dict[UUID, Room] = field(default_factory=dict)
    events: dict[UUID, Event] = field(default_factory=dict)

    def snapshot(self) -> "Tables":
        """Return a deep copy, as a transaction would see the data."""
        return copy.deepcopy(self)

    def contents(self) -> dict[str, dict[UUID, dict[str, object]]]:
        """Return every row's fields, to compare two states (entities compare by identity)."""
        tables: dict[str, dict[UUID, Any]] = {
            "users": self.users,
            "calendars": self.calendars,
            "rooms": self.rooms,
            "events": self.events,
        }
        return {name: {row_id: dict(vars(row)) for row_id, row in rows.items()} for name, rows in tables.items()}

    def load(self, other: "Tables") -> None:
        """Replace every table with `other`'s."""
        self.users, self.calendars, self.rooms, self.events = other.users, other.calendars, other.rooms, other.events


class InMemoryUserRepository:
    """Users in memory; emails are unique, like the database's unique index."""

    def __init__(self, tables: Tables, seen: SeenAggregates) -> None:
        self._tables, self._seen = tables, seen

    async def get(self, user_id: UUID) -> User | None:
        user = self._tables.users.get(user_id)
        return None if user is None else _copy(user)

    async def get_by_email(self, email: str) -> User | None:
        return next((_copy(user) for user in self._tables.users.values() if user.email == email), None)

    async def find(self, *, ids: Collection[UUID] = (), emails: Collection[str] = ()) -> list[User]:
        wanted_ids, wanted_emails = set(ids), set(emails)
        return [
            _copy(user) for user in self._tables.users.values() if user.id in wanted_ids or user.email in wanted_emails
        ]

    async def count(self) -> int:
        return len(self._tables.users)

    async def add(self, user: User) -> None:
        if any(other.email == user.email for other in self._tables.users.values()):
            raise EmailAlreadyRegistered(user.email)
        self._seen.remember(user)
        self._tables.users[user.id] = _copy(user)

    async def save(self, user: User) -> None:
        self._seen.remember(user)
        self._tables.users[user.id] = _copy(user)


class InMemoryCalendarRepository:
    """Calendars in memory; removing one removes its events, like ON DELETE CASCADE."""

    def __init__(self, tables: Tables, seen: SeenAggregates) -> None:
        self._tables, self._seen = tables, seen

    async def get(self, calendar_id: UUID) -> Calendar | None:
        calendar = self._tables.calendars.get(calendar_id)
        return None if calendar is None else _copy(calendar)

    async def personal_calendar_of(self, user_id: UUID) -> Calendar | None:
        calendars = self._tables.calendars.values()
        return next((_copy(c) for c in calendars if c.is_personal and c.owner_id == user_id), None)

    async def list_for_member(self, user_id: UUID) -> list[Calendar]:
        mine = [_copy(c) for c in self._tables.calendars.values() if user_id in c.members]
        return sorted(mine, key=lambda calendar: (not calendar.is_personal, calendar.name, calendar.id))

    async def add(self, calendar: Calendar) -> None:
        self._seen.remember(calendar)
        self._tables.calendars[calendar.id] = _copy(calendar)

    async def save(self, calendar: Calendar) -> None:
        self._seen.remember(calendar)
        self._tables.calendars[calendar.id] = _copy(calendar)

    async def remove(self, calendar: Calendar) -> None:
        self._seen.remember(calendar)
        self._tables.calendars.pop(calendar.id, None)
        for event_id in [e.id for e in self._tables.events.values() if e.calendar_id == calendar.id]:
            del self._tables.events[event_id]


class InMemoryRoomRepository:
    """Rooms in memory; removing one leaves its events without a room, like ON DELETE SET NULL."""

    def __init__(self, tables: Tables) -> None:
        self._tables = tables

    async def get(self, room_id: UUID) -> Room | None:
        room = self._tables.rooms.get(room_id)
        return None if room is None else _copy(room)

    async def find(self, room_ids: Collection[UUID]) -> list[Room]:
        return [_copy(self._tables.rooms[room_id]) for room_id in set(room_ids) if room_id in self._tables.rooms]

    async def list_all(self) -> list[Room]:
        return sorted((_copy(room) for room in self._tables.rooms.values()), key=lambda room: (room.name, room.id))

    async def list_free(self, slot: TimeRange, min_capacity: int) -> list[Room]:
        taken = {event.room_id for event in _confirmed_bookings(self._tables.events.values()) if event.overlaps(slot)}
        free = [
            _copy(room)
            for room in self._tables.rooms.values()
            if room.capacity >= min_capacity and room.id not in taken
        ]
        return sorted(free, key=lambda room: (room.capacity, room.name, room.id))

    async def add(self, room: Room) -> None:
        self._tables.rooms[room.id] = _copy(room)

    async def save(self, room: Room) -> None:
        self._tables.rooms[room.id] = _copy(room)

    async def remove(self, room: Room) -> None:
        self._tables.rooms.pop(room.id, None)
        for event in self._tables.events.values():
            if event.room_id == room.id:
                event.room_id = None


@dataclass(frozen=True)
class _Booking:
    event_id: UUID
    room_id: UUID
    slot: TimeRange

    def overlaps(self, slot: TimeRange) -> bool:
        return self.slot.overlaps(slot)


def _confirmed_bookings(events: Iterable[Event]) -> list[_Booking]:
    return [booking for event in events for booking in _bookings_of(event)]


def _bookings_of(event: Event) -> list[_Booking]:
    """The rooms the event's occurrences hold, as the rows of event_occurrences do (up to the horizon)."""
    return [
        _Booking(event.id, occurrence.room_id, occurrence.time_range)
        for occurrence in event.occurrences(before=max(event.updated_at, event.starts_at) + OCCURRENCE_HORIZON)
        if occurrence.room_id is not None
    ]


class InMemoryEventRepository:
    """Events in memory, refusing double bookings the way the exclusion constraint does."""

    def __init__(self, tables: Tables, seen: SeenAggregates) -> None:
        self._tables, self._seen = tables, seen
        self.locked: set[UUID] = set()
        """Ids loaded with get_for_update, so tests can check that writers lock."""

    async def get(self, event_id: UUID) -> Event | None:
        event = self._tables.events.get(event_id)
        return None if event is None else _copy(event)

    async def find(self, event_ids: Collection[UUID]) -> list[Event]:
        return [_copy(self._tables.events[event_id]) for event_id in set(event_ids) if event_id in self._tables.events]

    async def version(self, event_id: UUID) -> int | None:
        event = self._tables.events.get(event_id)
        return None if event is None else event.version

    async def get_for_update(self, event_id: UUID) -> Event | None:
        self.locked.add(event_id)
        return await self.get(event_id)

    async def in_calendar(self, calendar_id: UUID, *, limit: int) -> list[Event]:
        events = [e for e in self._tables.events.values() if e.calendar_id == calendar_id and not e.is_cancelled]
        return [_copy(e) for e in sorted(events, key=lambda e: e.starts_at, reverse=True)[:limit]]

    async def add(self, event: Event) -> None:
        self._refuse_double_booking(event)
        self._seen.remember(event)
        self._tables.events[event.id] = _copy(event)

    async def save(self, event: Event) -> None:
        self._refuse_double_booking(event)
        self._seen.remember(event)
        self._tables.events[event.id] = _copy(event)

    async def list_visible_in_window(
        self,
        user_id: UUID,
        window: TimeRange,
        calendar_id: UUID | None = None,
        *,
        limit: int | None = None,
        viewer_zone: str = "UTC",
    ) -> list[Occurrence]:
        visible = await self._visible(user_id, window, calendar_id, viewer_zone)
        return visible if limit is None else visible[:limit]

    async def count_visible_in_window(
        self, user_id: UUID, window: TimeRange, calendar_id: UUID | None = None, *, viewer_zone: str = "UTC"
    ) -> int:
        return len(await self._visible(user_id, window, calendar_id, viewer_zone))

    async def _visible(
        self, user_id: UUID, window: TimeRange, calendar_id: UUID | None, viewer_zone: str
    ) -> list[Occurrence]:
        calendars = self._tables.calendars
        zone = ZoneInfo(viewer_zone)
        first = window.starts_at.astimezone(zone).date()
        last = window.ends_at.astimezone(zone)
        end = last.date() if last.time() == time(0) else last.date() + timedelta(days=1)
        visible = [
            occurrence
            for event in map(_copy, self._tables.events.values())
            if (calendar_id is None or event.calendar_id == calendar_id)
            and (user_id in calendars[event.calendar_id].members or user_id in event.participant_ids)
            for occurrence in event.occurrences(before=window.ends_at + timedelta(days=1))
            if (
                occurrence.time_range.overlaps(window)
                if occurrence.start_date is None or occurrence.end_date is None
                else occurrence.start_date < end and occurrence.end_date > first
            )
        ]
        return sorted(visible, key=lambda occurrence: (occurrence.starts_at, occurrence.id))

    async def room_bookings(self, room_id: UUID, window: TimeRange) -> list[RoomBooking]:
        bookings = [
            RoomBooking(room_id=room_id, event_id=booking.event_id, slot=booking.slot)
            for booking in _confirmed_bookings(self._tables.events.values())
            if booking.room_id == room_id and booking.overlaps(window)
        ]
        return sorted(bookings, key=lambda booking: (booking.slot.starts_at, booking.event_id))

    async def series_to_extend(self, now: datetime, until: datetime) -> list[UUID]:
        series = self._tables.events.values()
        return sorted((e.id for e in series if e.recurrence is not None and not e.is_cancelled), key=str)

    async def extend_occurrences(self, event: Event, *, until: datetime) -> list[datetime]:
        # This fake derives an event's rows from the event (up to its horizon): only the rooms of the
        # occurrences past it are checked here, against everyone else's bookings.
        stored_before = max(event.updated_at, event.starts_at) + OCCURRENCE_HORIZON
        others = [b for b in _confirmed_bookings(self._tables.events.values()) if b.event_id != event.id]
        return [
            occurrence.recurrence_id
            for occurrence in event.occurrences(before=until)
            if occurrence.recurrence_id is not None
            and occurrence.recurrence_id >= stored_before
            and any(b.room_id == occurrence.room_id and b.overlaps(occurrence.time_range) for b in others)
        ]

    def _refuse_double_booking(self, event: Event) -> None:
        if event.room_id is not None and event.room_id not in self._tables.rooms:
            # Like the foreign key on events.room_id.
            raise InvalidInput("room_id", "no such room")
        others = [b for b in _confirmed_bookings(self._tables.events.values()) if b.event_id != event.id]
        for mine in _bookings_of(event):
            for booking in others:
                if booking.room_id == mine.room_id and booking.overlaps(mine.slot):
                    raise RoomAlreadyBooked(
                        mine.room_id,
                        booking.slot.starts_at,
                        booking.slot.ends_at,
                        conflicting_event_id=booking.event_id,
                    )
