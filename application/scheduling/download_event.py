"""Download one event (a series with its overrides) as an iCalendar file."""

from uuid import UUID

from application.scheduling.access import visible_event
from application.scheduling.calendar_files import file_event_of
from application.unit_of_work import UnitOfWork
from domain.scheduling.calendar_file import CalendarFileWriter


async def download_event(event_id: UUID, *, actor_id: UUID, uow: UnitOfWork, writer: CalendarFileWriter) -> bytes:
    """The event as iCalendar if the actor sees it; NotFound otherwise."""
    async with uow:
        event, _ = await visible_event(uow, event_id, actor_id)
    return writer.write([file_event_of(event)])
