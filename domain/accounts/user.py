"""People who use planner."""

from dataclasses import dataclass
from datetime import datetime
from typing import Self
from uuid import UUID

from domain.accounts.email import normalize_email
from domain.domain_events import Aggregate
from domain.errors import InvalidInput
from domain.identity import new_id
from domain.scheduling.domain_events import UserPromoted, UserRegistered, audience
from domain.scheduling.timezone import valid_time_zone_name
from domain.text import label

MAX_NAME_LENGTH = 100
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
DEFAULT_TIMEZONE = "UTC"


def acceptable_password(password: str) -> str:
    """Return `password` if it is long enough to keep, and short enough to hash."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("password", f"password must be at most {MAX_PASSWORD_LENGTH} characters")
    return password


@dataclass(kw_only=True, eq=False)
class User(Aggregate):
    """A registered person; `password_hash` is whatever the password hasher produced."""

    id: UUID
    email: str
    name: str
    password_hash: str
    timezone: str = DEFAULT_TIMEZONE
    is_admin: bool = False
    created_at: datetime

    @classmethod
    def register(
        cls,
        *,
        email: str,
        name: str,
        password_hash: str,
        now: datetime,
        timezone: str = DEFAULT_TIMEZONE,
        is_admin: bool = False,
    ) -> Self:
        """Create a user from what they typed at sign-up (the password already hashed)."""
        user = cls(
            id=new_id(now),
            email=normalize_email(email),
            name=label(name, field="name", max_length=MAX_NAME_LENGTH),
            password_hash=password_hash,
            timezone=valid_time_zone_name(timezone),
            is_admin=is_admin,
            created_at=now,
        )
        user.record(UserRegistered(occurred_at=now, user_id=user.id, email=user.email, is_admin=is_admin))
        return user

    def promote(self, *, by_user_id: UUID | None, now: datetime) -> None:
        """Make the user an administrator (nothing happens if they already are)."""
        if self.is_admin:
            return
        self.is_admin = True
        self.record(
            UserPromoted(
                occurred_at=now,
                affected_user_ids=audience([self.id], excluding=by_user_id),
                user_id=self.id,
                by_user_id=by_user_id,
            )
        )

    def demote(self) -> None:
        """Take administration away (nothing happens if they have none); their sessions must end too."""
        self.is_admin = False
