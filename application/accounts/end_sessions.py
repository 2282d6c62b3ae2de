"""Ending sessions: one (sign out), or all of a person's (sign out everywhere; also after a new password)."""

from uuid import UUID

from domain.accounts.ports import SessionStore


async def sign_out(session_id: UUID, *, sessions: SessionStore) -> None:
    """End this one session; the person's other devices stay signed in."""
    await sessions.end(session_id)


async def sign_out_everywhere(user_id: UUID, *, sessions: SessionStore) -> None:
    """End every session of the person: what a lost device or a changed password calls for."""
    await sessions.end_all(user_id)
