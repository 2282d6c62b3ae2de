"""Stop every push channel of a person (when they disconnect Google Calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from application.unit_of_work import UnitOfWork
from domain.google_sync.errors import GoogleError
from domain.google_sync.ports import CalendarApis

log = structlog.get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class StopChannels:
    """Stop every push channel of the person."""

    user_id: UUID


async def stop_channels(command: StopChannels, *, uow: UnitOfWork, apis: CalendarApis) -> None:
    """Stop every channel of the person (best effort at Google) and forget them."""
    async with uow:
        channels = await uow.google.channels(command.user_id)
        account = await uow.google.account(command.user_id)
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
