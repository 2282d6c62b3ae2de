"""List the meeting rooms."""

from application.unit_of_work import UnitOfWork
from domain.scheduling.room import Room


async def list_rooms(*, uow: UnitOfWork) -> list[Room]:
    """Return every room, by name."""
    async with uow:
        return await uow.rooms.list_all()
