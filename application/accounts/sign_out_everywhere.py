"""Sign out everywhere: end every session of a person (a lost device; a changed password, when one comes)."""

from application.accounts.dto import SignOutEverywhere
from domain.accounts.ports import SessionStore


async def sign_out_everywhere(command: SignOutEverywhere, *, sessions: SessionStore) -> None:
    """End every session of the person."""
    await sessions.end_all(command.user_id)
