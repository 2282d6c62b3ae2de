"""Connecting a Google account (OAuth authorization code), looking at it, and disconnecting it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.google_sync.channels import GoogleChannels
from application.google_sync.oauth_state import begin_authorization, redeem_state
from application.google_sync.ports import PendingAuthorizations, SyncUnitOfWork
from application.google_sync.sync import GoogleSync
from domain.clock import Clock
from domain.google_sync.model import GoogleAccount, MirroredCalendar, WatchChannel
from domain.google_sync.ports import GoogleOAuth
from domain.jobs.job import Job


@dataclass(frozen=True)
class SyncStatus:
    """What `GET /webhook/status/{user_id}` shows."""

    account: GoogleAccount | None
    calendars: list[MirroredCalendar]
    channels: list[WatchChannel]


class GoogleConnection:
    def __init__(
        self,
        *,
        unit_of_work: Callable[[], SyncUnitOfWork],
        oauth: GoogleOAuth,
        clock: Clock,
        secret: str,
        sync: GoogleSync,
        channels: GoogleChannels,
        forget_reads: Callable[[Iterable[UUID]], Awaitable[None]],
        pending: PendingAuthorizations,
    ) -> None:
        self._uow, self._oauth, self._clock, self._secret = unit_of_work, oauth, clock, secret
        self._sync, self._channels, self._forget_reads = sync, channels, forget_reads
        self._pending = pending

    async def authorization_url(self, user_id: UUID) -> str:
        """Where to send the person to grant access; the state is theirs alone, and works once."""
        started = await begin_authorization(user_id, secret=self._secret, now=self._clock.now(), pending=self._pending)
        return self._oauth.authorization_url(started.state, code_challenge=started.code_challenge)

    async def complete(self, user_id: UUID, *, code: str, state: str) -> Job:
        """Check the state, exchange the code, keep the grant, and queue a full sync."""
        now = self._clock.now()
        verifier = await redeem_state(state, user_id=user_id, secret=self._secret, now=now, pending=self._pending)
        tokens = await self._oauth.exchange_code(code, code_verifier=verifier)
        async with self._uow() as uow:
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
        return await self._sync.start_full_sync(user_id)

    async def disconnect(self, user_id: UUID) -> None:
        """Stop the channels, revoke the grant at Google, then delete it and every mirrored calendar and event."""
        await self._channels.stop_all(user_id)
        async with self._uow() as uow:
            account = await uow.google.account(user_id)
            if account is not None:
                await self._oauth.revoke(account.tokens.refresh_token or account.tokens.access_token)
            await uow.google.delete_mirrors(user_id)
            await uow.google.delete_account(user_id)
            await uow.commit()
        await self._forget_reads([user_id])

    async def status(self, user_id: UUID) -> SyncStatus:
        async with self._uow() as uow:
            return SyncStatus(
                account=await uow.google.account(user_id),
                calendars=await uow.google.mirrored_calendars(user_id),
                channels=await uow.google.channels(user_id),
            )

    @staticmethod
    def last_synced(status: SyncStatus) -> datetime | None:
        times = [c.last_synced_at for c in status.calendars if c.last_synced_at is not None]
        return max(times, default=None)
