"""Read a calendar's subscription feed by its secret token, as an iCalendar file."""

from application.scheduling.calendar_files import file_event_of
from application.unit_of_work import UnitOfWork
from domain.errors import NotFound
from domain.scheduling.calendar_feed import feed_token_digest, is_feed_token
from domain.scheduling.calendar_file import CalendarFileWriter

MAX_FEED_EVENTS = 2_000
"""The latest events (by start) a feed holds; a series counts once, however many occurrences it has."""


async def read_calendar_feed(token: str, *, uow: UnitOfWork, writer: CalendarFileWriter) -> bytes:
    """The calendar's events as iCalendar; NotFound for an unknown or revoked token.

    The feed shows what its owner sees: once they leave the calendar, it answers NotFound too.
    """
    if not is_feed_token(token):
        raise NotFound("feed")
    async with uow:
        feed = await uow.feeds.by_token_digest(feed_token_digest(token))
        calendar = None if feed is None else await uow.calendars.get(feed.calendar_id)
        if feed is None or calendar is None or not calendar.can_read(feed.created_by):
            raise NotFound("feed")
        events = await uow.events.in_calendar(calendar.id, limit=MAX_FEED_EVENTS)
    return writer.write([file_event_of(event) for event in events], name=calendar.name)
