"""Google push channels: opening them, renewing them before they expire, stopping them, receiving their pushes.

Each use case is a function taking the unit of work and the ports it needs as keyword arguments; the
unit of work is entered once per transaction (a use case that calls Google between two writes uses two).
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import structlog

from application.google_sync.ports import SyncQueue
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import NotFound
from domain.google_sync.errors import GoogleError, NotConnected, PushRejected
from domain.google_sync.model import RENEW_WITHIN, MirroredCalendar, WatchChannel
from domain.google_sync.ports import CalendarApi, CalendarApis

log = structlog.get_logger(__name__)

CHANNEL_LIFETIME = timedelta(days=7)
"""What planner asks for; Google may grant less, and its answer is what is stored."""


@dataclass(frozen=True)
class Push:
    """A push notification's headers."""

    channel_id: str
    token: str
    resource_state: str
    resource_id: str
    message_number: int | None


@dataclass(frozen=True)
class PushOutcome:
    accepted: bool
    """True when a sync was queued (202); False when acknowledged with nothing to do."""
    reason: str
    task_id: str | None = None


async def receive_push(push: Push, *, uow: UnitOfWork, queue: SyncQueue) -> PushOutcome:
    """Check the channel and its token; queue one incremental sync per calendar. Never calls Google."""
    async with uow:
        channel = await uow.google.channel(push.channel_id)
        if channel is None or not hmac.compare_digest(channel.token.encode(), push.token.encode()):
            raise PushRejected
        if push.resource_state == "sync":
            return PushOutcome(accepted=False, reason="sync message acknowledged")
        if push.resource_state not in ("exists", "not_exists"):
            return PushOutcome(accepted=False, reason=f"resource state {push.resource_state!r} ignored")
        if push.message_number is not None:
            if not await uow.google.note_message(channel.id, push.message_number):
                return PushOutcome(accepted=False, reason="old or repeated message number ignored")
            await uow.commit()
    task_id = await queue.sync_calendar(channel.user_id, channel.google_calendar_id)
    return PushOutcome(accepted=True, reason="incremental sync queued", task_id=task_id)


async def watch_calendars(
    user_id: UUID, *, uow: UnitOfWork, apis: CalendarApis, clock: Clock, webhook_address: str
) -> list[WatchChannel]:
    """Open a channel on each mirrored calendar without a live one; answers the channels opened."""
    api = await _api(user_id, uow=uow, apis=apis)
    now = clock.now()
    async with uow:
        calendars = await uow.google.mirrored_calendars(user_id)
        watched = {c.google_calendar_id for c in await uow.google.channels(user_id) if c.expires_at > now}
    opened = []
    for calendar in calendars:
        if calendar.google_calendar_id not in watched:
            opened.append(await _open(api, calendar, uow=uow, clock=clock, webhook_address=webhook_address))
    return opened


async def renew_channels(
    *, uow: UnitOfWork, apis: CalendarApis, clock: Clock, webhook_address: str, limit: int = 500
) -> dict[str, int]:
    """Cron: replace channels expiring within 24 hours, the new one first, then stop the old one."""
    now = clock.now()
    async with uow:
        expiring = await uow.google.channels_expiring_before(now + RENEW_WITHIN, limit)
    renewed = failed = 0
    for old in expiring:
        try:
            api = await _api(old.user_id, uow=uow, apis=apis)
            async with uow:
                calendar = await uow.google.mirrored_calendar(old.user_id, old.google_calendar_id)
            if calendar is not None:
                await _open(api, calendar, uow=uow, clock=clock, webhook_address=webhook_address)
            await _stop(api, old, uow=uow)
            renewed += 1
        except (GoogleError, NotConnected):
            log.warning("google.channel_renewal_failed", channel_id=old.id, exc_info=True)
            failed += 1
    return {"renewed": renewed, "failed": failed}


async def unsubscribe_channel(
    channel_id: str, *, actor_id: UUID, is_admin: bool, uow: UnitOfWork, apis: CalendarApis
) -> None:
    """Stop a channel at Google and forget it (NotFound for anyone but its owner and administrators)."""
    async with uow:
        channel = await uow.google.channel(channel_id)
    if channel is None or not (is_admin or channel.user_id == actor_id):
        raise NotFound("channel", channel_id)
    try:
        api = await _api(channel.user_id, uow=uow, apis=apis)
        await _stop(api, channel, uow=uow)
    except (GoogleError, NotConnected):
        # Google keeps pushing at most until it expires; planner forgets it now and refuses those pushes.
        log.warning("google.channel_stop_failed", channel_id=channel_id, exc_info=True)
        async with uow:
            await uow.google.delete_channel(channel_id)
            await uow.commit()


async def stop_channels(user_id: UUID, *, uow: UnitOfWork, apis: CalendarApis) -> None:
    """Stop every channel of the person (best effort at Google) and forget them."""
    async with uow:
        channels = await uow.google.channels(user_id)
        account = await uow.google.account(user_id)
    api = None if account is None else apis.for_tokens(account.tokens)
    for channel in channels:
        try:
            if api is not None:
                await api.stop_channel(channel_id=channel.id, resource_id=channel.resource_id)
        except GoogleError:
            log.warning("google.channel_stop_failed", channel_id=channel.id, exc_info=True)
        async with uow:
            await uow.google.delete_channel(channel.id)
            await uow.commit()


async def _api(user_id: UUID, *, uow: UnitOfWork, apis: CalendarApis) -> CalendarApi:
    async with uow:
        account = await uow.google.account(user_id)
    if account is None or not account.usable:
        raise NotConnected("connect Google Calendar first")
    return apis.for_tokens(account.tokens)


async def _open(
    api: CalendarApi, calendar: MirroredCalendar, *, uow: UnitOfWork, clock: Clock, webhook_address: str
) -> WatchChannel:
    now = clock.now()
    channel_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
    granted = await api.watch(
        calendar.google_calendar_id,
        channel_id=channel_id,
        token=token,
        address=webhook_address,
        expires_at=now + CHANNEL_LIFETIME,
    )
    channel = WatchChannel(
        id=channel_id,
        user_id=calendar.user_id,
        google_calendar_id=calendar.google_calendar_id,
        token=token,
        resource_id=granted.resource_id,
        expires_at=granted.expires_at,
        created_at=now,
    )
    async with uow:
        await uow.google.add_channel(channel)
        await uow.commit()
    log.info("google.channel_opened", channel_id=channel_id, expires_at=granted.expires_at.isoformat())
    return channel


async def _stop(api: CalendarApi, channel: WatchChannel, *, uow: UnitOfWork) -> None:
    await api.stop_channel(channel_id=channel.id, resource_id=channel.resource_id)
    async with uow:
        await uow.google.delete_channel(channel.id)
        await uow.commit()
