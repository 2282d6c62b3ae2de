"""Publish a calendar as a subscription feed at a secret address."""

from uuid import UUID

from application.scheduling.access import readable_calendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import PermissionDenied
from domain.scheduling.calendar import CalendarRole
from domain.scheduling.calendar_feed import CalendarFeed


async def open_calendar_feed(calendar_id: UUID, *, actor_id: UUID, uow: UnitOfWork, clock: Clock) -> str:
    """Open (or renew, ending the old address) the calendar's feed; answers the token its URL carries.

    Only the calendar's owner may: whoever holds the address reads every event of the calendar.
    """
    async with uow:
        calendar = await readable_calendar(uow, calendar_id, actor_id)
        if calendar.role_of(actor_id) is not CalendarRole.OWNER:
            raise PermissionDenied("only the calendar's owner can publish its feed")
        feed, token = CalendarFeed.open(calendar_id=calendar.id, created_by=actor_id, now=clock.now())
        await uow.feeds.put(feed)
        await uow.commit()
    return token
