"""Meeting rooms, and when they are taken."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Self
from uuid import UUID

from domain.changes import UNSET, UnsetType
from domain.errors import InvalidInput
from domain.identity import new_id
from domain.scheduling.time_range import TimeRange
from domain.text import bounded_text, label

MAX_NAME_LENGTH = 100
MAX_LOCATION_LENGTH = 500
MAX_CAPACITY = 10_000


def room_capacity(value: int, *, field: str = "capacity") -> int:
    """Return a capacity of at least one seat (and not absurdly many)."""
    if isinstance(value, bool) or not 1 <= value <= MAX_CAPACITY:
        raise InvalidInput(field, f"{field} must be between 1 and {MAX_CAPACITY}")
    return value


@dataclass(frozen=True, kw_only=True)
class RoomChanges:
    """What an administrator changes about a room; UNSET fields stay as they are."""

    name: str | UnsetType = UNSET
    capacity: int | UnsetType = UNSET
    location: str | UnsetType = UNSET


@dataclass(kw_only=True, eq=False)
class Room:
    """A bookable meeting room."""

    id: UUID
    name: str
    capacity: int
    location: str = ""
    created_at: datetime

    @classmethod
    def create(cls, *, name: str, capacity: int, now: datetime, location: str = "") -> Self:
        """Create a room from what an administrator typed."""
        return cls(
            id=new_id(now),
            name=label(name, field="name", max_length=MAX_NAME_LENGTH),
            capacity=room_capacity(capacity),
            location=bounded_text(location, field="location", max_length=MAX_LOCATION_LENGTH),
            created_at=now,
        )

    def change(self, changes: RoomChanges) -> None:
        """Apply an administrator's changes, all or none."""
        name = self.name if changes.name is UNSET else label(changes.name, field="name", max_length=MAX_NAME_LENGTH)
        capacity = self.capacity if changes.capacity is UNSET else room_capacity(changes.capacity)
        location = (
            self.location
            if changes.location is UNSET
            else bounded_text(changes.location, field="location", max_length=MAX_LOCATION_LENGTH)
        )
        self.name, self.capacity, self.location = name, capacity, location


@dataclass(frozen=True, kw_only=True)
class RoomBooking:
    """A room taken by a (non-cancelled) event for a slot."""

    room_id: UUID
    event_id: UUID
    slot: TimeRange


def free_slots(window: TimeRange, bookings: Iterable[RoomBooking]) -> list[TimeRange]:
    """Return the parts of `window` that no booking takes, in order."""
    free: list[TimeRange] = []
    cursor = window.starts_at
    for booking in sorted(bookings, key=lambda booking: booking.slot.starts_at):
        if booking.slot.starts_at > cursor:
            free.append(TimeRange(cursor, min(booking.slot.starts_at, window.ends_at)))
        cursor = max(cursor, booking.slot.ends_at)
        if cursor >= window.ends_at:
            break
    if cursor < window.ends_at:
        free.append(TimeRange(cursor, window.ends_at))
    return free
