"""Personal API tokens on PostgreSQL, each call a short transaction of its own."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.models import ApiTokenRow, UserRow
from domain.accounts.api_token import ApiToken, TokenScope
from domain.accounts.ports import TokenHolder

_TOKENS = ApiTokenRow.__table__
_USERS = UserRow.__table__

# Every call with a token runs this (no cache, so a revocation holds at once in every process): built once.
_HOLDER = (
    select(
        _TOKENS.c.id,
        _TOKENS.c.user_id,
        _TOKENS.c.scopes,
        _TOKENS.c.expires_at,
        _TOKENS.c.last_used_at,
        _TOKENS.c.last_used_from,
        _USERS.c.is_admin,
    )
    .select_from(_TOKENS.join(_USERS, _USERS.c.id == _TOKENS.c.user_id))
    .where(
        _TOKENS.c.token_digest == bindparam("digest"),
        or_(_TOKENS.c.expires_at.is_(None), _TOKENS.c.expires_at > bindparam("now")),
    )
)


def _scopes(names: list[str]) -> frozenset[TokenScope]:
    # A scope a later version no longer knows grants nothing.
    return frozenset(TokenScope(name) for name in names if name in TokenScope._value2member_map_)


class PostgresApiTokens:
    """Implements domain.accounts.ports.ApiTokenStore."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, token: ApiToken) -> None:
        async with self._sessions.begin() as db:
            await db.execute(
                insert(ApiTokenRow).values(
                    id=token.id,
                    user_id=token.user_id,
                    name=token.name,
                    scopes=sorted(token.scopes),
                    token_digest=token.token_digest,
                    created_at=token.created_at,
                    expires_at=token.expires_at,
                    last_used_at=None,
                    last_used_from=None,
                )
            )

    async def of_user(self, user_id: UUID) -> list[ApiToken]:
        async with self._sessions() as db:
            rows = (
                await db.execute(
                    select(_TOKENS).where(_TOKENS.c.user_id == user_id).order_by(_TOKENS.c.created_at.desc())
                )
            ).all()
        return [
            ApiToken(
                id=row.id,
                user_id=row.user_id,
                name=row.name,
                scopes=_scopes(row.scopes),
                token_digest=row.token_digest,
                created_at=row.created_at,
                expires_at=row.expires_at,
                last_used_at=row.last_used_at,
                last_used_from=row.last_used_from,
            )
            for row in rows
        ]

    async def revoke(self, token_id: UUID, user_id: UUID) -> bool:
        async with self._sessions.begin() as db:
            gone = await db.execute(
                delete(ApiTokenRow)
                .where(ApiTokenRow.id == token_id, ApiTokenRow.user_id == user_id)
                .returning(ApiTokenRow.id)
            )
            return gone.first() is not None

    async def holder(self, token_digest: str, *, now: datetime) -> TokenHolder | None:
        async with self._sessions() as db:
            row = (await db.execute(_HOLDER, {"digest": token_digest, "now": now})).one_or_none()
        if row is None:
            return None
        return TokenHolder(
            token_id=row.id,
            user_id=row.user_id,
            is_admin=row.is_admin,
            scopes=_scopes(row.scopes),
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            last_used_from=row.last_used_from,
        )

    async def is_live(self, token_id: UUID, *, now: datetime) -> bool:
        async with self._sessions() as db:
            found = await db.execute(
                select(_TOKENS.c.id).where(
                    _TOKENS.c.id == token_id, or_(_TOKENS.c.expires_at.is_(None), _TOKENS.c.expires_at > now)
                )
            )
            return found.first() is not None

    async def note_use(self, token_id: UUID, *, at: datetime, address: str | None) -> None:
        async with self._sessions.begin() as db:
            await db.execute(
                update(ApiTokenRow)
                .where(ApiTokenRow.id == token_id)
                .values(last_used_at=at, last_used_from=None if address is None else address[:45])
            )
