"""Meeting rooms on PostgreSQL."""

from collections.abc import Collection
from typing import Any
from uuid import UUID

from sqlalchemy import any_, bindparam, delete, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.driver import DriverStatement
from adapters.postgres.models import EventOccurrenceRow, RoomRow
from adapters.postgres.repositories.arrays import ids_parameter
from adapters.postgres.repositories.overlap_predicates import occurrence_overlaps
from application.cache import ROOMS
from domain.scheduling.room import Room
from domain.scheduling.time_range import TimeRange

_ROOMS = select(RoomRow.__table__)
_ROOM_BY_ID = _ROOMS.where(RoomRow.__table__.c.id == bindparam("room_id"))  # built once, run with its value
# The rooms page lists them all, reminders read theirs by id: run on asyncpg itself (adapters/postgres/driver.py).
# Find a time reads rooms with their bookings in one statement (repositories/availability.py).
_ALL_ROOMS = DriverStatement(_ROOMS.order_by(RoomRow.__table__.c.name, RoomRow.__table__.c.id))
_FIND_ROOMS = DriverStatement(_ROOMS.where(RoomRow.__table__.c.id == any_(ids_parameter("ids"))))


class SqlRoomRepository:
    """Meeting rooms; whether one is free is read from the events that booked it."""

    def __init__(self, session: AsyncSession, *, touched_people: set[UUID] | None = None) -> None:
        self._session = session
        self._touched = touched_people if touched_people is not None else set()
        """ROOMS once a room is added, changed or removed: rooms' cached bookings name and seat them."""

    async def get(self, room_id: UUID) -> Room | None:
        """Return the room."""
        row = (await self._session.execute(_ROOM_BY_ID, {"room_id": room_id})).one_or_none()
        return None if row is None else room_of_row(row)

    async def find(self, room_ids: Collection[UUID]) -> list[Room]:
        """Return the rooms of these ids that exist, each once."""
        if not room_ids:
            return []
        return [room_of_row(row) for row in await _FIND_ROOMS.fetch(self._session, {"ids": list(room_ids)})]

    async def list_all(self) -> list[Room]:
        """Return every room, by name."""
        return [room_of_row(row) for row in await _ALL_ROOMS.fetch(self._session, {})]

    async def list_free(self, slot: TimeRange, min_capacity: int) -> list[Room]:
        """Return rooms seating at least `min_capacity` with no occurrence overlapping `slot`, snuggest first."""
        taken = exists().where(EventOccurrenceRow.room_id == RoomRow.id, occurrence_overlaps(slot))
        statement = _ROOMS.where(RoomRow.capacity >= min_capacity, ~taken).order_by(
            RoomRow.capacity, RoomRow.name, RoomRow.id
        )
        return [room_of_row(row) for row in await self._session.execute(statement)]

    async def add(self, room: Room) -> None:
        """Store a new room."""
        self._touched.add(ROOMS)
        await self._session.execute(insert(RoomRow).values(id=room.id, **_fields(room)))

    async def save(self, room: Room) -> None:
        """Store the changes made to a room."""
        self._touched.add(ROOMS)
        await self._session.execute(
            update(RoomRow)
            .where(RoomRow.id == room.id)
            .values(**_fields(room))
            .execution_options(synchronize_session=False)
        )

    async def remove(self, room: Room) -> None:
        """Delete the room; events that booked it keep their slot and lose the room (ON DELETE SET NULL)."""
        self._touched.add(ROOMS)
        await self._session.execute(
            delete(RoomRow).where(RoomRow.id == room.id).execution_options(synchronize_session=False)
        )


def _fields(room: Room) -> dict[str, Any]:
    return {"name": room.name, "capacity": room.capacity, "location": room.location, "created_at": room.created_at}


def room_of_row(row: Any) -> Room:  # a SQLAlchemy or a driver row
    """The room a row of `rooms` holds."""
    return Room(id=row.id, name=row.name, capacity=row.capacity, location=row.location, created_at=row.created_at)
