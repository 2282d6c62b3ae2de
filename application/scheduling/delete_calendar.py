"""Delete a calendar, with its events; nobody can delete their personal calendar."""

from application.scheduling.dto import DeleteCalendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import NotFound


async def delete_calendar(command: DeleteCalendar, *, uow: UnitOfWork, clock: Clock) -> None:
    """Delete the calendar if the actor owns it and it is not a personal calendar."""
    async with uow:
        calendar = await uow.calendars.get(command.calendar_id)
        if calendar is None:
            raise NotFound("calendar", command.calendar_id)
        calendar.delete(by_user_id=command.actor_id, now=clock.now())
        await uow.calendars.remove(calendar)
        await uow.commit()
