"""Open a push channel on each mirrored calendar of a person that has none."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.channels import connected_api, open_channel
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.model import WatchChannel
from domain.google_sync.ports import CalendarApis


@dataclass(frozen=True, kw_only=True)
class WatchCalendars:
    """Open a push channel on each mirrored calendar of the person that has none."""

    user_id: UUID


async def watch_calendars(
    command: WatchCalendars, *, uow: UnitOfWork, apis: CalendarApis, clock: Clock, webhook_address: str
) -> list[WatchChannel]:
    """Open a channel on each mirrored calendar without a live one; answers the channels opened."""
    user_id = command.user_id
    api = await connected_api(user_id, uow=uow, apis=apis)
    now = clock.now()
    async with uow:
        calendars = await uow.google.mirrored_calendars(user_id)
        watched = {c.google_calendar_id for c in await uow.google.channels(user_id) if c.expires_at > now}
    opened = []
    for calendar in calendars:
        if calendar.google_calendar_id not in watched:
            opened.append(await open_channel(api, calendar, uow=uow, clock=clock, webhook_address=webhook_address))
    return opened
