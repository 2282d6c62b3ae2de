"""Complete connecting a Google account: keep the grant Google sends back, then sync everything."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.oauth_state import redeem_state
from application.google_sync.ports import PendingAuthorizations, SyncQueue
from application.google_sync.start_full_sync import StartFullSync, start_full_sync
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.model import WRITE_SCOPE, GoogleAccount
from domain.google_sync.ports import GoogleOAuth
from domain.jobs.job import Job


@dataclass(frozen=True, kw_only=True)
class CompleteConnection:
    """Keep the grant Google sent back with `code` for the consent `state` began, and sync everything."""

    actor_id: UUID
    code: str
    state: str


async def complete_connection(
    command: CompleteConnection,
    *,
    uow: UnitOfWork,
    oauth: GoogleOAuth,
    clock: Clock,
    secret: str,
    queue: SyncQueue,
    pending: PendingAuthorizations,
) -> Job:
    """Check the state, exchange the code, keep the grant, and queue a full sync."""
    user_id, now = command.actor_id, clock.now()
    verifier = await redeem_state(command.state, user_id=user_id, secret=secret, now=now, pending=pending)
    tokens = await oauth.exchange_code(command.code, code_verifier=verifier)
    async with uow:
        account = await uow.google.account(user_id)
        if account is None:
            account = GoogleAccount(
                user_id=user_id,
                tokens=tokens,
                connected_at=now,
                updated_at=now,
                can_write=WRITE_SCOPE in tokens.granted_scopes,
            )
        else:
            if tokens.refresh_token is None:  # Google sends it only on first consent
                tokens = type(tokens)(
                    access_token=tokens.access_token,
                    refresh_token=account.tokens.refresh_token,
                    expires_at=tokens.expires_at,
                    granted_scopes=tokens.granted_scopes,
                )
            account = GoogleAccount(
                user_id=user_id,
                tokens=tokens,
                connected_at=now,
                updated_at=now,
                write_back_calendar_id=account.write_back_calendar_id,
                # Google lists every scope granted so far (include_granted_scopes).
                can_write=WRITE_SCOPE in tokens.granted_scopes,
            )
        await uow.google.save_account(account)
        await uow.commit()
    return await start_full_sync(StartFullSync(user_id=user_id), uow=uow, clock=clock, queue=queue)
