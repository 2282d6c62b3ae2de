"""When is a room taken, and when is it free, within a window."""

from datetime import datetime
from uuid import UUID

from application.scheduling.dto import RoomAvailability
from application.unit_of_work import UnitOfWork
from domain.errors import NotFound
from domain.scheduling.room import free_slots
from domain.scheduling.time_range import TimeRange


async def room_availability(room_id: UUID, *, start: datetime, end: datetime, uow: UnitOfWork) -> RoomAvailability:
    """Return the room's bookings overlapping [start, end) and the free gaps between them."""
    window = TimeRange.window(start, end)
    async with uow:
        room = await uow.rooms.get(room_id)
        if room is None:
            raise NotFound("room", room_id)
        bookings = await uow.events.room_bookings(room_id, window)
    return RoomAvailability(room=room, window=window, bookings=bookings, free=free_slots(window, bookings))
