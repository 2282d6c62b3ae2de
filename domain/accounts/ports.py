"""Ports of accounts: where sessions and invitations are kept."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.accounts.api_token import ApiToken, TokenScope
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


@dataclass(frozen=True)
class TokenHolder:
    """Who a live API token belongs to and what it may do, as the database says now."""

    token_id: UUID
    user_id: UUID
    is_admin: bool
    scopes: frozenset[TokenScope]
    expires_at: datetime | None
    last_used_at: datetime | None
    last_used_from: str | None


class ApiTokenStore(Protocol):
    """Personal API tokens: a token is good only while it is kept here and unexpired."""

    async def add(self, token: ApiToken) -> None:
        """Keep a new token."""
        ...

    async def of_user(self, user_id: UUID) -> list[ApiToken]:
        """The person's tokens, newest first (expired ones too, until revoked)."""
        ...

    async def revoke(self, token_id: UUID, user_id: UUID) -> bool:
        """Forget the person's token; False when they have no such token."""
        ...

    async def holder(self, token_digest: str, *, now: datetime) -> TokenHolder | None:
        """The live token with this digest and its owner; None when revoked, expired or unknown."""
        ...

    async def is_live(self, token_id: UUID, *, now: datetime) -> bool:
        """Whether the token is still kept and unexpired (an open stream checks it as it goes)."""
        ...

    async def note_use(self, token_id: UUID, *, at: datetime, address: str | None) -> None:
        """Remember when and from where the token was last used."""
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
