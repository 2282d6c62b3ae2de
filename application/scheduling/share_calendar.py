"""Share a calendar with someone, by email, as owner, editor or viewer."""

from application.scheduling.access import readable_calendar
from application.scheduling.dto import ShareCalendar
from application.scheduling.references import user_with_email
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.scheduling.calendar import Calendar


async def share_calendar(command: ShareCalendar, *, uow: UnitOfWork, clock: Clock) -> Calendar:
    """Give (or change) a member's role; only the calendar's owners may."""
    async with uow:
        calendar = await readable_calendar(uow, command.calendar_id, command.actor_id)
        # Refuse non-owners before looking the email up, so they cannot probe who is registered.
        calendar.ensure_manageable_by(command.actor_id)
        member = await user_with_email(uow, command.email)
        calendar.share(member, command.role, by_user_id=command.actor_id, now=clock.now())
        await uow.calendars.save(calendar)
        await uow.commit()
    return calendar
