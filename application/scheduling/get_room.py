"""Show one meeting room."""

from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.errors import NotFound
from domain.scheduling.room import Room


async def get_room(room_id: UUID, *, uow: UnitOfWork) -> Room:
    """Return the room; NotFound if there is none."""
    async with uow:
        room = await uow.rooms.get(room_id)
    if room is None:
        raise NotFound("room", room_id)
    return room
