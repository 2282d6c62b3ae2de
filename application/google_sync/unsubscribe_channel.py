"""Stop one push channel at Google and forget it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from application.google_sync.channels import connected_api, stop_channel
from application.unit_of_work import UnitOfWork
from domain.errors import NotFound
from domain.google_sync.errors import GoogleError, NotConnected
from domain.google_sync.ports import CalendarApis

log = structlog.get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class UnsubscribeChannel:
    """Stop one push channel (its owner or an administrator)."""

    channel_id: str
    actor_id: UUID
    is_admin: bool


async def unsubscribe_channel(command: UnsubscribeChannel, *, uow: UnitOfWork, apis: CalendarApis) -> None:
    """Stop a channel at Google and forget it (NotFound for anyone but its owner and administrators)."""
    channel_id = command.channel_id
    async with uow:
        channel = await uow.google.channel(channel_id)
    if channel is None or not (command.is_admin or channel.user_id == command.actor_id):
        raise NotFound("channel", channel_id)
    try:
        api = await connected_api(channel.user_id, uow=uow, apis=apis)
        await stop_channel(api, channel, uow=uow)
    except (GoogleError, NotConnected):
        # Google keeps pushing at most until it expires; planner forgets it now and refuses those pushes.
        log.warning("google.channel_stop_failed", channel_id=channel_id, exc_info=True)
        async with uow:
            await uow.google.delete_channel(channel_id)
            await uow.commit()
