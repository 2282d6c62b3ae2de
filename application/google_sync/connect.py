"""Connect a Google account: send the person to Google's consent, then keep the grant Google sends back."""

from __future__ import annotations

from uuid import UUID

from application.google_sync.oauth_state import begin_authorization, redeem_state
from application.google_sync.ports import PendingAuthorizations, SyncQueue
from application.google_sync.sync import start_full_sync
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.model import GoogleAccount
from domain.google_sync.ports import GoogleOAuth
from domain.jobs.job import Job


async def authorization_url(
    user_id: UUID, *, oauth: GoogleOAuth, clock: Clock, secret: str, pending: PendingAuthorizations
) -> str:
    """Where to send the person to grant access; the state is theirs alone, and works once."""
    started = await begin_authorization(user_id, secret=secret, now=clock.now(), pending=pending)
    return oauth.authorization_url(started.state, code_challenge=started.code_challenge)


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
    pending: PendingAuthorizations,
) -> Job:
    """Check the state, exchange the code, keep the grant, and queue a full sync."""
    now = clock.now()
    verifier = await redeem_state(state, user_id=user_id, secret=secret, now=now, pending=pending)
    tokens = await oauth.exchange_code(code, code_verifier=verifier)
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
