"""Sign out: end one session; the person's other devices stay signed in."""

from application.accounts.dto import SignOut
from domain.accounts.ports import SessionStore


async def sign_out(command: SignOut, *, sessions: SessionStore) -> None:
    """End this one session."""
    await sessions.end(command.session_id)
