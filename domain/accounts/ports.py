"""Ports of accounts: where sessions and invitations are kept."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.accounts.invitation import Invitation
from domain.accounts.user import User


@dataclass(frozen=True)
class SessionHolder:
    """Who a live session belongs to, as the database says now (not as the token said at sign-in)."""

    user_id: UUID
    is_admin: bool


class SessionStore(Protocol):
    """Signed-in sessions: a token is good only while its session is kept here."""

    async def start(self, user_id: UUID, *, now: datetime, expires_at: datetime) -> UUID:
        """Open a session for the user and answer its id (expired ones of the user are dropped)."""
        ...

    async def holder(self, session_id: UUID, user_id: UUID, *, now: datetime) -> SessionHolder | None:
        """The user of this live session; None when it ended, expired, or is someone else's."""
        ...

    async def extend(self, session_id: UUID, *, expires_at: datetime) -> None:
        """Keep the session until `expires_at` (sliding renewal)."""
        ...

    async def end(self, session_id: UUID) -> None:
        """End one session (sign-out)."""
        ...

    async def end_all(self, user_id: UUID) -> None:
        """End every session of the user (sign out everywhere, demotion, a new password)."""
        ...


class InvitationStore(Protocol):
    """Invitations; each admits one sign-up."""

    async def add(self, invitation: Invitation) -> None:
        """Keep a new invitation."""
        ...

    async def claim(self, token_digest: str, email: str, *, now: datetime) -> UUID | None:
        """Use up the live invitation with this digest for this email; None when there is none."""
        ...

    async def release(self, invitation_id: UUID) -> None:
        """Make a claimed invitation usable again (the sign-up it was claimed for did not happen)."""
        ...


class UserRepository(Protocol):
    """Registered users."""

    async def get(self, user_id: UUID) -> User | None:
        """Return the user with this id."""
        ...

    async def get_by_email(self, email: str) -> User | None:
        """Return the user with this (normalized, lower-case) email."""
        ...

    async def find(self, *, ids: Collection[UUID] = (), emails: Collection[str] = ()) -> list[User]:
        """Return the users having any of these ids or (normalized) emails, each once; unknown ones are skipped."""
        ...

    async def count(self) -> int:
        """Return how many users there are."""
        ...

    async def add(self, user: User) -> None:
        """Store a new user; raises EmailAlreadyRegistered if the email is taken."""
        ...

    async def save(self, user: User) -> None:
        """Store the changes made to a user."""
        ...


class PasswordHasher(Protocol):
    """Hashes passwords one way and checks a password against a hash (async: hashing is slow on purpose)."""

    async def hash(self, password: str) -> str:
        """Return a salted hash of `password` to store."""
        ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """Tell whether `password` is the one `password_hash` was made from."""
        ...
