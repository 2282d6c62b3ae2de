"""Update a meeting room (administrators only)."""

from application.scheduling.access import administrator
from application.scheduling.dto import UpdateRoom
from application.unit_of_work import UnitOfWork
from domain.errors import NotFound
from domain.scheduling.room import Room


async def update_room(command: UpdateRoom, *, uow: UnitOfWork) -> Room:
    """Change a room's name, capacity or location."""
    async with uow:
        await administrator(uow, command.actor_id)
        room = await uow.rooms.get(command.room_id)
        if room is None:
            raise NotFound("room", command.room_id)
        room.change(command.changes)
        await uow.rooms.save(room)
        await uow.commit()
    return room
