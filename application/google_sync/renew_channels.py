"""Replace push channels before they expire."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from application.google_sync.channels import connected_api, open_channel, stop_channel
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.errors import GoogleError, NotConnected
from domain.google_sync.model import RENEW_WITHIN
from domain.google_sync.ports import CalendarApis

log = structlog.get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class RenewChannels:
    """Replace the push channels about to expire, at most `limit` of them."""

    limit: int = 500


async def renew_channels(
    command: RenewChannels, *, uow: UnitOfWork, apis: CalendarApis, clock: Clock, webhook_address: str
) -> dict[str, int]:
    """Cron: replace channels expiring within 24 hours, the new one first, then stop the old one."""
    now = clock.now()
    async with uow:
        expiring = await uow.google.channels_expiring_before(now + RENEW_WITHIN, command.limit)
    renewed = failed = 0
    for old in expiring:
        try:
            api = await connected_api(old.user_id, uow=uow, apis=apis)
            async with uow:
                calendar = await uow.google.mirrored_calendar(old.user_id, old.google_calendar_id)
            if calendar is not None:
                await open_channel(api, calendar, uow=uow, clock=clock, webhook_address=webhook_address)
            await stop_channel(api, old, uow=uow)
            renewed += 1
        except (GoogleError, NotConnected):
            log.warning("google.channel_renewal_failed", channel_id=old.id, exc_info=True)
            failed += 1
    return {"renewed": renewed, "failed": failed}
