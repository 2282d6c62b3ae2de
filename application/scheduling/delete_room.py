"""Delete a meeting room (administrators only)."""

from application.scheduling.access import administrator
from application.scheduling.dto import DeleteRoom
from application.unit_of_work import UnitOfWork
from domain.errors import NotFound


async def delete_room(command: DeleteRoom, *, uow: UnitOfWork) -> None:
    """Remove the room; events that booked it keep their time and lose the room."""
    async with uow:
        await administrator(uow, command.actor_id)
        room = await uow.rooms.get(command.room_id)
        if room is None:
            raise NotFound("room", command.room_id)
        await uow.rooms.remove(room)
        await uow.commit()
