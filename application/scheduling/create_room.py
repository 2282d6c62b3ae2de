"""Create a meeting room (administrators only)."""

from application.scheduling.access import administrator
from application.scheduling.dto import CreateRoom
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.scheduling.room import Room


async def create_room(command: CreateRoom, *, uow: UnitOfWork, clock: Clock) -> Room:
    """Add a room anyone can then book."""
    async with uow:
        await administrator(uow, command.actor_id)
        room = Room.create(name=command.name, capacity=command.capacity, location=command.location, now=clock.now())
        await uow.rooms.add(room)
        await uow.commit()
    return room
