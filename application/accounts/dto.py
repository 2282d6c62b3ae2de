"""Commands of the accounts use cases: signing up and in and out, inviting, making and unmaking administrators."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.accounts.api_token import TokenScope
from domain.accounts.user import DEFAULT_TIMEZONE


@dataclass(frozen=True, kw_only=True)
class RegisterUser:
    """Sign up; the first user ever becomes an administrator."""

    email: str
    password: str = field(repr=False)
    name: str
    timezone: str = DEFAULT_TIMEZONE
    invitation: str | None = field(default=None, repr=False)
    """The token of an invitation link; needed unless REGISTRATION admits the email."""


@dataclass(frozen=True, kw_only=True)
class SignIn:
    """Prove who you are with email and password."""

    email: str
    password: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class PromoteUser:
    """Make someone an administrator; `actor_id` None means an operator on the command line."""

    email: str
    actor_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class DemoteUser:
    """Take administration away from someone; `actor_id` None means an operator on the command line."""

    email: str
    actor_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class InviteUser:
    """Make a single-use sign-up link for `email`; `actor_id` None means an operator on the command line."""

    email: str
    actor_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class SignOut:
    """End this one session."""

    session_id: UUID


@dataclass(frozen=True, kw_only=True)
class SignOutEverywhere:
    """End every session of the person."""

    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class CreateApiToken:
    """Make a personal API token with these scopes (the admin scope for administrators only)."""

    actor_id: UUID
    name: str
    scopes: frozenset[TokenScope]
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeApiToken:
    """Forget one of my API tokens: it stops working at once."""

    actor_id: UUID
    token_id: UUID


@dataclass(frozen=True, kw_only=True)
class UseApiToken:
    """An API call presenting `secret`, from `address`."""

    secret: str = field(repr=False)
    address: str | None = None
