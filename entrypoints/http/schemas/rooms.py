"""Meeting rooms, their bookings and availability."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from application.scheduling.dto import RoomAvailability
from domain.scheduling.room import Room as DomainRoom
from domain.scheduling.room import RoomChanges
from entrypoints.http.schemas.fields import Capacity, RoomLocation, RoomName
from entrypoints.http.unset import unset_to_domain


class Room(msgspec.Struct):
    id: UUID
    name: str
    capacity: int
    location: str
    created_at: datetime

    @classmethod
    def of(cls, room: DomainRoom) -> Room:
        return cls(
            id=room.id, name=room.name, capacity=room.capacity, location=room.location, created_at=room.created_at
        )


class RoomList(msgspec.Struct):
    items: list[Room]


class RoomCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: RoomName
    capacity: Capacity
    location: RoomLocation = ""


class RoomUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: RoomName | msgspec.UnsetType = msgspec.UNSET
    capacity: Capacity | msgspec.UnsetType = msgspec.UNSET
    location: RoomLocation | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> RoomChanges:
        return RoomChanges(
            name=unset_to_domain(self.name),
            capacity=unset_to_domain(self.capacity),
            location=unset_to_domain(self.location),
        )


class Slot(msgspec.Struct):
    starts_at: datetime
    ends_at: datetime


class Booking(msgspec.Struct):
    event_id: UUID
    starts_at: datetime
    ends_at: datetime


class Availability(msgspec.Struct):
    room: Room
    start: datetime
    end: datetime
    bookings: list[Booking]
    free: list[Slot]

    @classmethod
    def of(cls, availability: RoomAvailability) -> Availability:
        return cls(
            room=Room.of(availability.room),
            start=availability.window.starts_at,
            end=availability.window.ends_at,
            bookings=[
                Booking(event_id=b.event_id, starts_at=b.slot.starts_at, ends_at=b.slot.ends_at)
                for b in availability.bookings
            ],
            free=[Slot(starts_at=s.starts_at, ends_at=s.ends_at) for s in availability.free],
        )
