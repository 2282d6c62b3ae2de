"""Google push channels, as the channel use cases open and stop them (one module per use case beside this one)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from uuid import UUID

import structlog

from application.google_sync.retrying import with_retries
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.errors import CalendarGone, NotConnected
from domain.google_sync.model import MirroredCalendar, WatchChannel, channel_token_digest
from domain.google_sync.ports import CalendarApi, CalendarApis

log = structlog.get_logger(__name__)

CHANNEL_LIFETIME = timedelta(days=7)
"""What planner asks for; Google may grant less, and its answer is what is stored."""


async def connected_api(user_id: UUID, *, uow: UnitOfWork, apis: CalendarApis) -> CalendarApi:
    """Google's API on the person's grant; NotConnected without a usable one."""
    async with uow:
        account = await uow.google.account(user_id)
    if account is None or not account.usable:
        raise NotConnected("connect Google Calendar first")
    return apis.for_tokens(account.tokens)


async def open_channel(
    api: CalendarApi,
    calendar: MirroredCalendar,
    *,
    uow: UnitOfWork,
    clock: Clock,
    webhook_address: str,
    retry_base_seconds: float = 0.5,
) -> WatchChannel:
    """Ask Google to push the calendar\'s changes to planner, and keep the channel it granted.

    Rate limits and server errors are retried; PushNotSupported says the calendar is to be polled instead.
    """
    now = clock.now()
    channel_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
    channel = WatchChannel(
        id=channel_id,
        user_id=calendar.user_id,
        google_calendar_id=calendar.google_calendar_id,
        token_digest=channel_token_digest(token),
        resource_id="",
        expires_at=now + CHANNEL_LIFETIME,
        created_at=now,
    )
    # Kept before Google is asked: its first push may arrive before the answer does, and must be known.
    async with uow:
        await uow.google.add_channel(channel)
        await uow.commit()
    try:
        granted = await with_retries(
            lambda: api.watch(
                calendar.google_calendar_id,
                channel_id=channel_id,
                token=token,
                address=webhook_address,
                expires_at=now + CHANNEL_LIFETIME,
            ),
            base_seconds=retry_base_seconds,
        )
    except BaseException:
        async with uow:
            await uow.google.delete_channel(channel_id)
            await uow.commit()
        raise
    channel.resource_id, channel.expires_at = granted.resource_id, granted.expires_at
    async with uow:
        await uow.google.channel_granted(channel_id, resource_id=granted.resource_id, expires_at=granted.expires_at)
        await uow.commit()
    log.info("google.channel_opened", channel_id=channel_id, expires_at=granted.expires_at.isoformat())
    return channel


async def stop_channel(
    api: CalendarApi, channel: WatchChannel, *, uow: UnitOfWork, retry_base_seconds: float = 0.5
) -> None:
    """Ask Google to stop pushing on the channel (retried), and forget it; a channel Google no longer knows is gone."""
    try:
        await with_retries(
            lambda: api.stop_channel(channel_id=channel.id, resource_id=channel.resource_id),
            base_seconds=retry_base_seconds,
        )
    except CalendarGone:
        log.info("google.channel_already_gone", channel_id=channel.id)
    async with uow:
        await uow.google.delete_channel(channel.id)
        await uow.commit()
