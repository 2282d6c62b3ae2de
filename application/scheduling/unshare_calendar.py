"""Unshare a calendar: take a member off it, or leave it."""

from application.scheduling.dto import UnshareCalendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import NotFound
from domain.scheduling.calendar import Calendar


async def unshare_calendar(command: UnshareCalendar, *, uow: UnitOfWork, clock: Clock) -> Calendar:
    """Remove the member; owners may remove anyone but the calendar's owner, members may leave."""
    async with uow:
        calendar = await uow.calendars.get(command.calendar_id)
        if calendar is None:
            raise NotFound("calendar", command.calendar_id)
        calendar.unshare(command.user_id, by_user_id=command.actor_id, now=clock.now())
        await uow.calendars.save(calendar)
        await uow.commit()
    return calendar
