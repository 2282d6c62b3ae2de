"""Open a push channel on each mirrored calendar of a person that has none."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from application.google_sync.channels import connected_api, open_channel
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.errors import GoogleError, GrantRevoked, PushNotSupported
from domain.google_sync.model import MirroredCalendar, WatchChannel
from domain.google_sync.ports import CalendarApi, CalendarApis

log = structlog.get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class WatchCalendars:
    """Open a push channel on each mirrored calendar of the person that has none."""

    user_id: UUID


async def watch_calendars(
    command: WatchCalendars,
    *,
    uow: UnitOfWork,
    apis: CalendarApis,
    clock: Clock,
    webhook_address: str,
    retry_base_seconds: float = 0.5,
) -> list[WatchChannel]:
    """Open a channel on each watchable calendar without a live one; answers the channels opened.

    Each calendar on its own: one Google refuses to watch is recorded as polled (the poll cron keeps it
    current), one that fails otherwise is logged and polled until a later watch works; the others are watched.
    """
    user_id = command.user_id
    api = await connected_api(user_id, uow=uow, apis=apis)
    now = clock.now()
    async with uow:
        calendars = await uow.google.mirrored_calendars(user_id)
        watched = {c.google_calendar_id for c in await uow.google.channels(user_id) if c.expires_at > now}
    opened = []
    for calendar in calendars:
        if calendar.google_calendar_id in watched or calendar.polled:
            continue
        channel = await watch_one(
            api, calendar, uow=uow, clock=clock, webhook_address=webhook_address, retry_base_seconds=retry_base_seconds
        )
        if channel is not None:
            opened.append(channel)
    return opened


async def watch_one(
    api: CalendarApi,
    calendar: MirroredCalendar,
    *,
    uow: UnitOfWork,
    clock: Clock,
    webhook_address: str,
    retry_base_seconds: float = 0.5,
) -> WatchChannel | None:
    """Open a channel on the calendar; None when Google would not (refusals are recorded on the calendar)."""
    try:
        channel = await open_channel(
            api, calendar, uow=uow, clock=clock, webhook_address=webhook_address, retry_base_seconds=retry_base_seconds
        )
    except PushNotSupported as refused:
        calendar.watch_refused_by_google(str(refused), clock.now())
        log.info(
            "google.watch_refused",
            calendar=calendar.google_calendar_id,
            reason=str(refused),
            retry_at=calendar.watch_retry_at.isoformat() if calendar.watch_retry_at else None,
        )
        async with uow:
            await uow.google.save_watch_state(calendar)
            await uow.commit()
    except GrantRevoked:
        raise
    except GoogleError:
        log.warning("google.watch_failed", calendar=calendar.google_calendar_id, exc_info=True)
    else:
        if calendar.polled:
            # Google refused it before and watches it now: pushed from here on, no longer polled.
            calendar.watched()
            log.info("google.watch_accepted_again", calendar=calendar.google_calendar_id)
            async with uow:
                await uow.google.save_watch_state(calendar)
                await uow.commit()
        return channel
    return None
