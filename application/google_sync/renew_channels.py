"""Keep one live push channel per watched calendar: forget dead channels, replace expired ones once, renew the rest."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from application.google_sync.channels import connected_api, open_channel, stop_channel
from application.google_sync.watch_calendars import watch_one
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.errors import CalendarGone, GoogleError, NotConnected
from domain.google_sync.model import RENEW_WITHIN, MirroredCalendar, WatchChannel
from domain.google_sync.ports import CalendarApi, CalendarApis

log = structlog.get_logger(__name__)

WATCH_AGAIN_LIMIT = 200
"""How many refused calendars one renewal asks Google about again (the rest at the next hourly run)."""


@dataclass(frozen=True, kw_only=True)
class RenewChannels:
    """Replace the live push channels about to expire, at most `limit` of them (soonest first)."""

    limit: int = 500


@dataclass(frozen=True, kw_only=True)
class _Renewal:
    """What each step of one renewal run asks Google and stores with."""

    uow: UnitOfWork
    apis: CalendarApis
    clock: Clock
    webhook_address: str
    retry_base_seconds: float

    async def api(self, user_id: UUID) -> CalendarApi:
        return await connected_api(user_id, uow=self.uow, apis=self.apis)

    async def watch(self, api: CalendarApi, calendar: MirroredCalendar) -> WatchChannel | None:
        """Open a channel on the calendar; None when Google would not (watch_one records why)."""
        return await watch_one(
            api,
            calendar,
            uow=self.uow,
            clock=self.clock,
            webhook_address=self.webhook_address,
            retry_base_seconds=self.retry_base_seconds,
        )

    async def open(self, api: CalendarApi, calendar: MirroredCalendar) -> None:
        await open_channel(
            api,
            calendar,
            uow=self.uow,
            clock=self.clock,
            webhook_address=self.webhook_address,
            retry_base_seconds=self.retry_base_seconds,
        )

    async def stop(self, api: CalendarApi, channel: WatchChannel) -> None:
        await stop_channel(api, channel, uow=self.uow, retry_base_seconds=self.retry_base_seconds)


async def renew_channels(
    command: RenewChannels,
    *,
    uow: UnitOfWork,
    apis: CalendarApis,
    clock: Clock,
    webhook_address: str,
    retry_base_seconds: float = 0.5,
) -> dict[str, int]:
    """Cron: forget dead channels, replace each expired one once, renew live ones expiring within 24 hours.

    Dead channels (of people without a working grant, of calendars no longer mirrored, already expired)
    are deleted in bulk first, so however many there are, the batch holds only live channels.
    """
    renewal = _Renewal(
        uow=uow, apis=apis, clock=clock, webhook_address=webhook_address, retry_base_seconds=retry_base_seconds
    )
    now = clock.now()
    async with uow:
        deleted = await uow.google.delete_orphan_channels()
        expired = await uow.google.delete_expired_channels(now)
        await uow.commit()
    replaced = failed = 0
    for user_id, google_calendar_id in sorted(set(expired)):
        # Google already dropped it: open one new channel if nothing else watches the calendar; never again.
        try:
            api = await renewal.api(user_id)
            async with uow:
                calendar = await uow.google.mirrored_calendar(user_id, google_calendar_id)
                live = [c for c in await uow.google.channels(user_id) if c.google_calendar_id == google_calendar_id]
            if calendar is None or calendar.polled or live:
                continue
            opened = await renewal.watch(api, calendar)
        except (GoogleError, NotConnected):
            log.warning("google.channel_replacement_failed", calendar=google_calendar_id, exc_info=True)
            opened = None
        replaced, failed = replaced + (opened is not None), failed + (opened is None)
    async with uow:
        expiring = await uow.google.channels_expiring_before(now + RENEW_WITHIN, command.limit, alive_at=now)
    renewed = 0
    for old in expiring:
        try:
            api = await renewal.api(old.user_id)
            async with uow:
                calendar = await uow.google.mirrored_calendar(old.user_id, old.google_calendar_id)
                later = [
                    c
                    for c in await uow.google.channels(old.user_id)
                    if c.google_calendar_id == old.google_calendar_id and c.expires_at > now + RENEW_WITHIN
                ]
            if calendar is not None and not calendar.polled and not later:
                await renewal.open(api, calendar)
            await renewal.stop(api, old)
            renewed += 1
        except CalendarGone:
            # The calendar is gone at Google (or no longer shared): its channel is dead too.
            log.info("google.channel_of_gone_calendar", channel_id=old.id)
            async with uow:
                await uow.google.delete_channel(old.id)
                await uow.commit()
            deleted += 1
        except (GoogleError, NotConnected):
            # The old channel lives until it expires; the next run tries again, then replaces it once.
            log.warning("google.channel_renewal_failed", channel_id=old.id, exc_info=True)
            failed += 1
    watched_again = await _watch_refused_again(renewal)
    return {
        "renewed": renewed,
        "replaced": replaced,
        "deleted": deleted + len(expired),
        "failed": failed,
        "watched_again": watched_again,
    }


async def _watch_refused_again(renewal: _Renewal) -> int:
    """Ask Google again to watch the calendars it refused, when their wait is over; answers how many it now watches.

    A calendar Google would not watch may become watchable (its owner shared it differently); a refusal
    again makes it wait twice as long (a day, two, four, then a week).
    """
    async with renewal.uow as uow:
        due = await uow.google.calendars_to_watch_again(renewal.clock.now(), WATCH_AGAIN_LIMIT)
    watched = 0
    for calendar in due:
        try:
            opened = await renewal.watch(await renewal.api(calendar.user_id), calendar)
        except (GoogleError, NotConnected):
            log.warning("google.watch_again_failed", calendar=calendar.google_calendar_id, exc_info=True)
            continue
        watched += opened is not None
    return watched
