"""Commands of the accounts use cases: signing up, signing in, making administrators."""

from dataclasses import dataclass, field
from uuid import UUID

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
