"""Sessions and invitations on PostgreSQL, each call a short transaction of its own."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.models import InvitationRow, SessionRow, UserRow
from domain.accounts.invitation import Invitation
from domain.accounts.ports import SessionHolder
from domain.identity import new_id

# Every authenticated request runs this (at most once per session and cache lifetime): built once.
_HOLDER = (
    select(UserRow.__table__.c.is_admin)
    .select_from(SessionRow.__table__.join(UserRow.__table__, UserRow.__table__.c.id == SessionRow.__table__.c.user_id))
    .where(
        SessionRow.__table__.c.id == bindparam("session_id"),
        SessionRow.__table__.c.user_id == bindparam("user_id"),
        SessionRow.__table__.c.expires_at > bindparam("now"),
    )
)


class PostgresSessions:
    """Sessions: a row per signed-in device; ending a session deletes its row."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def start(self, user_id: UUID, *, now: datetime, expires_at: datetime) -> UUID:
        session_id = new_id(now)
        async with self._sessions.begin() as db:
            await db.execute(delete(SessionRow).where(SessionRow.user_id == user_id, SessionRow.expires_at <= now))
            await db.execute(
                insert(SessionRow).values(id=session_id, user_id=user_id, created_at=now, expires_at=expires_at)
            )
        return session_id

    async def holder(self, session_id: UUID, user_id: UUID, *, now: datetime) -> SessionHolder | None:
        async with self._sessions() as db:
            is_admin = (
                await db.execute(_HOLDER, {"session_id": session_id, "user_id": user_id, "now": now})
            ).scalar_one_or_none()
        return None if is_admin is None else SessionHolder(user_id=user_id, is_admin=is_admin)

    async def extend(self, session_id: UUID, *, expires_at: datetime) -> None:
        async with self._sessions.begin() as db:
            await db.execute(update(SessionRow).where(SessionRow.id == session_id).values(expires_at=expires_at))

    async def end(self, session_id: UUID) -> None:
        async with self._sessions.begin() as db:
            await db.execute(delete(SessionRow).where(SessionRow.id == session_id))

    async def end_all(self, user_id: UUID) -> None:
        async with self._sessions.begin() as db:
            await db.execute(delete(SessionRow).where(SessionRow.user_id == user_id))


class PostgresInvitations:
    """Invitations; a claim is one conditional UPDATE, so one link admits one sign-up however many race."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, invitation: Invitation) -> None:
        async with self._sessions.begin() as db:
            await db.execute(
                insert(InvitationRow).values(
                    id=invitation.id,
                    email=invitation.email,
                    token_digest=invitation.token_digest,
                    invited_by=invitation.invited_by,
                    created_at=invitation.created_at,
                    expires_at=invitation.expires_at,
                    used_at=None,
                )
            )

    async def claim(self, token_digest: str, email: str, *, now: datetime) -> UUID | None:
        async with self._sessions.begin() as db:
            claimed = await db.execute(
                update(InvitationRow)
                .where(
                    InvitationRow.token_digest == token_digest,
                    InvitationRow.email == email,
                    InvitationRow.used_at.is_(None),
                    InvitationRow.expires_at > now,
                )
                .values(used_at=now)
                .returning(InvitationRow.id)
            )
            return claimed.scalar_one_or_none()

    async def release(self, invitation_id: UUID) -> None:
        async with self._sessions.begin() as db:
            await db.execute(update(InvitationRow).where(InvitationRow.id == invitation_id).values(used_at=None))
