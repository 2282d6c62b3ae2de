"""Stop a calendar's subscription feed: its address answers 404 from now on."""

from uuid import UUID

from application.scheduling.access import readable_calendar
from application.unit_of_work import UnitOfWork
from domain.errors import PermissionDenied
from domain.scheduling.calendar import CalendarRole


async def revoke_calendar_feed(calendar_id: UUID, *, actor_id: UUID, uow: UnitOfWork) -> None:
    """Remove the calendar's feed (done already when it has none)."""
    async with uow:
        calendar = await readable_calendar(uow, calendar_id, actor_id)
        if calendar.role_of(actor_id) is not CalendarRole.OWNER:
            raise PermissionDenied("only the calendar's owner can revoke its feed")
        await uow.feeds.remove(calendar.id)
        await uow.commit()
