"""Find the rooms free for a slot that seat enough people."""

from datetime import datetime

from application.unit_of_work import UnitOfWork
from domain.scheduling.room import Room, room_capacity
from domain.scheduling.time_range import TimeRange


async def find_free_rooms(*, start: datetime, end: datetime, capacity: int = 1, uow: UnitOfWork) -> list[Room]:
    """Return rooms with at least `capacity` seats and no booking overlapping [start, end), snuggest first."""
    slot = TimeRange.window(start, end)
    min_capacity = room_capacity(capacity)
    async with uow:
        return await uow.rooms.list_free(slot, min_capacity)
