"""Rename a calendar: change its name, color or description."""

from application.scheduling.dto import RenameCalendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import NotFound
from domain.scheduling.calendar import Calendar, CalendarChanges


async def rename_calendar(command: RenameCalendar, *, uow: UnitOfWork, clock: Clock) -> Calendar:
    """Apply an owner's changes to a calendar."""
    async with uow:
        calendar = await uow.calendars.get(command.calendar_id)
        if calendar is None:
            raise NotFound("calendar", command.calendar_id)
        changes = CalendarChanges(name=command.name, color=command.color, description=command.description)
        if calendar.change(changes, by_user_id=command.actor_id, now=clock.now()):
            await uow.calendars.save(calendar)
            await uow.commit()
    return calendar
