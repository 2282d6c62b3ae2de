"""Update a calendar: its name, color or description."""

from application.scheduling.dto import UpdateCalendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import NotFound
from domain.scheduling.calendar import Calendar


async def update_calendar(command: UpdateCalendar, *, uow: UnitOfWork, clock: Clock) -> Calendar:
    """Apply an owner's changes to a calendar."""
    async with uow:
        calendar = await uow.calendars.get(command.calendar_id)
        if calendar is None:
            raise NotFound("calendar", command.calendar_id)
        if calendar.change(command.changes, by_user_id=command.actor_id, now=clock.now()):
            await uow.calendars.save(calendar)
            await uow.commit()
    return calendar
