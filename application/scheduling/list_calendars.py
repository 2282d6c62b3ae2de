"""List my calendars."""

from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.scheduling.calendar import Calendar


async def list_calendars(*, actor_id: UUID, uow: UnitOfWork) -> list[Calendar]:
    """Return the calendars the actor is a member of, personal one first."""
    async with uow:
        return await uow.calendars.list_for_member(actor_id)
