"""Connecting a Google account (OAuth authorization code), looking at it, and disconnecting it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.google_sync.channels import stop_channels
from application.google_sync.oauth_state import check_state, issue_state
from application.google_sync.ports import SyncQueue
from application.google_sync.sync import start_full_sync
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.model import GoogleAccount, MirroredCalendar, WatchChannel
from domain.google_sync.ports import CalendarApis, GoogleOAuth
from domain.jobs.job import Job


@dataclass(frozen=True)
class SyncStatus:
    """What `GET /webhook/status/{user_id}` shows."""

    account: GoogleAccount | None
    calendars: list[MirroredCalendar]
    channels: list[WatchChannel]


def authorization_url(user_id: UUID, *, oauth: GoogleOAuth, clock: Clock, secret: str) -> str:
    """Where to send the person to grant access; the state is theirs alone."""
    return oauth.authorization_url(issue_state(user_id, secret=secret, now=clock.now()))


async def complete_connection(
    user_id: UUID,
    *,
    code: str,
    state: str,
    uow: UnitOfWork,
    oauth: GoogleOAuth,
    clock: Clock,
    secret: str,
    queue: SyncQueue,
) -> Job:
    """Check the state, exchange the code, keep the grant, and queue a full sync."""
    now = clock.now()
    check_state(state, user_id=user_id, secret=secret, now=now)
    tokens = await oauth.exchange_code(code)
    async with uow:
        account = await uow.google.account(user_id)
        if account is None:
            account = GoogleAccount(user_id=user_id, tokens=tokens, connected_at=now, updated_at=now)
        else:
            if tokens.refresh_token is None:  # Google sends it only on first consent
                tokens = type(tokens)(
                    access_token=tokens.access_token,
                    refresh_token=account.tokens.refresh_token,
                    expires_at=tokens.expires_at,
                )
            account = GoogleAccount(user_id=user_id, tokens=tokens, connected_at=now, updated_at=now)
        await uow.google.save_account(account)
        await uow.commit()
    return await start_full_sync(user_id, uow=uow, clock=clock, queue=queue)


async def disconnect(
    user_id: UUID, *, uow: UnitOfWork, apis: CalendarApis, forget_reads: Callable[[Iterable[UUID]], Awaitable[None]]
) -> None:
    """Stop the channels, then delete the grant and every mirrored calendar and event."""
    await stop_channels(user_id, uow=uow, apis=apis)
    async with uow:
        await uow.google.delete_mirrors(user_id)
        await uow.google.delete_account(user_id)
        await uow.commit()
    await forget_reads([user_id])


async def sync_status(user_id: UUID, *, uow: UnitOfWork) -> SyncStatus:
    """The person's grant, mirrored calendars and push channels."""
    async with uow:
        return SyncStatus(
            account=await uow.google.account(user_id),
            calendars=await uow.google.mirrored_calendars(user_id),
            channels=await uow.google.channels(user_id),
        )


def last_synced(status: SyncStatus) -> datetime | None:
    """When the most recently synced of the person's calendars was synced."""
    times = [c.last_synced_at for c in status.calendars if c.last_synced_at is not None]
    return max(times, default=None)
