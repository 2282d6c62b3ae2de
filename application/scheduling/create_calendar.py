"""Create a calendar."""

from application.scheduling.access import signed_in_user
from application.scheduling.dto import CreateCalendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.scheduling.calendar import Calendar


async def create_calendar(command: CreateCalendar, *, uow: UnitOfWork, clock: Clock) -> Calendar:
    """Create a calendar owned by the actor."""
    async with uow:
        owner = await signed_in_user(uow, command.actor_id)
        calendar = Calendar.create(
            owner=owner, name=command.name, color=command.color, description=command.description, now=clock.now()
        )
        await uow.calendars.add(calendar)
        await uow.commit()
    return calendar
