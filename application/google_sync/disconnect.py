"""Disconnect Google Calendar: stop the channels, revoke the grant, forget it and every mirrored calendar and event."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.ports import ForgetReads, SyncLocks
from application.google_sync.stop_channels import StopChannels, stop_channels
from application.unit_of_work import UnitOfWork
from domain.google_sync.ports import CalendarApis, GoogleOAuth

SYNC_STOP_WAIT_S = 30.0
"""How long disconnecting waits for a running sync of each calendar to notice and stop."""


@dataclass(frozen=True, kw_only=True)
class DisconnectGoogle:
    """Stop syncing the actor's Google Calendar and forget the grant and every mirror."""

    actor_id: UUID


async def disconnect(
    command: DisconnectGoogle,
    *,
    uow: UnitOfWork,
    apis: CalendarApis,
    oauth: GoogleOAuth,
    forget_reads: ForgetReads,
    locks: SyncLocks,
) -> None:
    """Stop the channels, revoke the grant at Google, forget it, let running syncs stop, then delete the mirrors.

    A running sync checks the grant before each page it stores: once the grant is forgotten it stops, and
    the mirrors are deleted only after (each calendar's sync lock is taken), so nothing comes back.
    """
    user_id = command.actor_id
    await stop_channels(StopChannels(user_id=user_id), uow=uow, apis=apis)
    async with uow:
        account = await uow.google.account(user_id)
        if account is not None:
            await oauth.revoke(account.tokens.refresh_token or account.tokens.access_token)
        await uow.google.delete_account(user_id)
        mirrors = await uow.google.mirrored_calendars(user_id)
        await uow.commit()
    for mirror in mirrors:
        async with locks.hold(mirror.calendar_id, wait_s=SYNC_STOP_WAIT_S):
            pass
    async with uow:
        await uow.google.delete_mirrors(user_id)
        await uow.commit()
    await forget_reads([user_id])
