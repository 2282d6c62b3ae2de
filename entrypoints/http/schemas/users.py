"""Accounts: sign-up, sign-in, the signed-in user."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.accounts.invitation import MAX_TOKEN_LENGTH
from domain.accounts.user import MAX_PASSWORD_LENGTH
from domain.accounts.user import User as DomainUser
from entrypoints.http.schemas.fields import Email, Password, TimeZoneName, UserName

InvitationToken = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_TOKEN_LENGTH, description="From an invitation link")
]


class Register(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    name: UserName
    timezone: TimeZoneName = "UTC"
    invitation: InvitationToken | None = None


class RegistrationReceived(msgspec.Struct):
    """The answer to a sign-up when REGISTRATION is not open: the same whether the email had an account or not."""

    detail: str


class Login(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    # Signing in checks a password, it does not set one: any length up to the longest that can be set.
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class Token(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int


class User(msgspec.Struct):
    id: UUID
    email: str
    name: str
    timezone: str
    is_admin: bool
    created_at: datetime

    @classmethod
    def of(cls, user: DomainUser) -> User:
        # The fields are the domain user's own, by name (never its password hash).
        return msgspec.convert(user, cls, from_attributes=True)


class UserPromote(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class InvitationCreate(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class InvitationLink(msgspec.Struct):
    """A single-use sign-up link for one email; shown once."""

    url: str
    email: str
    expires_at: datetime
