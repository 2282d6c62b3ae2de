"""List the events I see in a window (a week view, a day view)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.scheduling.access import readable_calendar
from application.unit_of_work import UnitOfWork
from domain.errors import InvalidInput
from domain.scheduling.occurrence import Occurrence
from domain.scheduling.time_range import TimeRange

MAX_EVENTS_IN_WINDOW = 2000
"""The most events one answer carries: enough for any real week or month, bounded for the server."""


@dataclass(frozen=True)
class WindowListing:
    """The first events of a window, and how many more it holds past those."""

    events: list[Occurrence]
    more: int


async def list_events(
    *,
    actor_id: UUID,
    start: datetime,
    end: datetime,
    uow: UnitOfWork,
    calendar_id: UUID | None = None,
    limit: int = MAX_EVENTS_IN_WINDOW,
    viewer_zone: str | None = None,
) -> list[Occurrence]:
    """Return the occurrences overlapping [start, end) that the actor sees, sorted by start.

    All-day occurrences are placed on the dates of `viewer_zone` (the actor's own zone if None).

    A window holding more than `limit` events is refused with InvalidInput: narrow it.
    """
    listing = await list_events_capped(
        actor_id=actor_id, start=start, end=end, uow=uow, calendar_id=calendar_id, limit=limit, viewer_zone=viewer_zone
    )
    if listing.more:
        total = len(listing.events) + listing.more
        raise InvalidInput(
            "end",
            f"the window holds {total:,} events, more than the {limit:,} one answer carries: "
            "narrow the window (an earlier end, or one calendar)",
        )
    return listing.events


async def list_events_capped(
    *,
    actor_id: UUID,
    start: datetime,
    end: datetime,
    uow: UnitOfWork,
    calendar_id: UUID | None = None,
    limit: int = MAX_EVENTS_IN_WINDOW,
    viewer_zone: str | None = None,
) -> WindowListing:
    """The first `limit` occurrences overlapping [start, end) that the actor sees, and how many more there are."""
    window = TimeRange.window(start, end)
    async with uow:
        if calendar_id is not None:
            await readable_calendar(uow, calendar_id, actor_id)
        if viewer_zone is None:
            viewer = await uow.users.get(actor_id)
            viewer_zone = viewer.timezone if viewer is not None else "UTC"
        events = await uow.events.list_visible_in_window(
            actor_id, window, calendar_id, limit=limit + 1, viewer_zone=viewer_zone
        )
        if len(events) <= limit:
            return WindowListing(events=events, more=0)
        total = await uow.events.count_visible_in_window(actor_id, window, calendar_id, viewer_zone=viewer_zone)
        return WindowListing(events=events[:limit], more=total - limit)
