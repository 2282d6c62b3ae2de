"""List the events I see in a window (a week view, a day view)."""

from datetime import datetime
from uuid import UUID

from application.scheduling.access import readable_calendar
from application.unit_of_work import UnitOfWork
from domain.scheduling.event import Event
from domain.scheduling.time_range import TimeRange


async def list_events(
    *, actor_id: UUID, start: datetime, end: datetime, uow: UnitOfWork, calendar_id: UUID | None = None
) -> list[Event]:
    """Return confirmed events overlapping [start, end) that the actor sees, sorted by start."""
    window = TimeRange.window(start, end)
    async with uow:
        if calendar_id is not None:
            await readable_calendar(uow, calendar_id, actor_id)
        return await uow.events.list_visible_in_window(actor_id, window, calendar_id)
