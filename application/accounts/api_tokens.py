"""Personal API tokens: make one (its secret shown once), list mine, revoke one, and know the caller of one."""

from datetime import timedelta
from uuid import UUID

from application.accounts.dto import CreateApiToken, RevokeApiToken, UseApiToken
from application.scheduling.access import signed_in_user
from application.unit_of_work import UnitOfWork
from domain.accounts.api_token import ApiToken, api_token_digest, is_api_token
from domain.accounts.ports import ApiTokenStore, TokenHolder
from domain.clock import Clock
from domain.errors import NotFound

USE_NOTED_EVERY = timedelta(minutes=1)
"""A token used many times a second is written down once a minute (or when its address changes), not per call."""


async def create_api_token(
    command: CreateApiToken, *, uow: UnitOfWork, tokens: ApiTokenStore, clock: Clock
) -> tuple[ApiToken, str]:
    """The new token and its secret, which is never shown again."""
    async with uow:
        owner = await signed_in_user(uow, command.actor_id)
    token, secret = ApiToken.issue(
        user_id=owner.id,
        name=command.name,
        scopes=command.scopes,
        expires_at=command.expires_at,
        owner_is_admin=owner.is_admin,
        now=clock.now(),
    )
    await tokens.add(token)
    return token, secret


async def list_api_tokens(actor_id: UUID, *, tokens: ApiTokenStore) -> list[ApiToken]:
    """My tokens, newest first, without their secrets (only digests are kept)."""
    return await tokens.of_user(actor_id)


async def revoke_api_token(command: RevokeApiToken, *, tokens: ApiTokenStore) -> None:
    """Forget the token; the next call that presents it gets 401, whichever process serves it."""
    if not await tokens.revoke(command.token_id, command.actor_id):
        raise NotFound("API token", command.token_id)


async def use_api_token(command: UseApiToken, *, tokens: ApiTokenStore, clock: Clock) -> TokenHolder | None:
    """Who calls with this secret and what they may do; None when it is no live token.

    Read from the database on every call (no cache), so a revocation holds at once everywhere.
    """
    if not is_api_token(command.secret):
        return None
    now = clock.now()
    holder = await tokens.holder(api_token_digest(command.secret), now=now)
    if holder is None:
        return None
    stale = holder.last_used_at is None or now - holder.last_used_at >= USE_NOTED_EVERY
    if stale or holder.last_used_from != command.address:
        await tokens.note_use(holder.token_id, at=now, address=command.address)
    return holder
