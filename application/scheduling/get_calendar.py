"""Show one calendar with its members."""

from uuid import UUID

from application.scheduling.access import readable_calendar
from application.unit_of_work import UnitOfWork
from domain.scheduling.calendar import Calendar


async def get_calendar(calendar_id: UUID, *, actor_id: UUID, uow: UnitOfWork) -> Calendar:
    """Return the calendar if the actor is a member; NotFound otherwise."""
    async with uow:
        return await readable_calendar(uow, calendar_id, actor_id)
