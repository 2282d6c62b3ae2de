"""Accounts: sign-up, sign-in, the signed-in user."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.scheduling.user import DEFAULT_TIMEZONE
from domain.scheduling.user import User as DomainUser
from entrypoints.http.schemas.fields import Email, GivenPassword, NewPassword, TimeZoneName, UserName


class Register(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: NewPassword
    name: UserName
    timezone: TimeZoneName = DEFAULT_TIMEZONE


class Login(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: GivenPassword


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
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            timezone=user.timezone,
            is_admin=user.is_admin,
            created_at=user.created_at,
        )


class UserPromote(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
