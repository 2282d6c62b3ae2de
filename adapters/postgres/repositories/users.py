"""Users on PostgreSQL."""

from collections.abc import Collection
from typing import Any
from uuid import UUID

from sqlalchemy import Insert, Update, any_, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.driver import DriverStatement
from adapters.postgres.models import UserRow
from adapters.postgres.repositories.arrays import ids_parameter, texts_parameter
from adapters.postgres.repositories.refused_writes import taken_email
from application.unit_of_work import SeenAggregates
from domain.accounts.user import User
from domain.errors import DomainError, EmailAlreadyRegistered

_USERS = select(UserRow.__table__)
# Built once, executed with values: SQLAlchemy then neither rebuilds them nor recomputes their cache keys.
_USER_BY_ID = _USERS.where(UserRow.__table__.c.id == bindparam("user_id"))
# One statement for the person acting and the people they name (each branch on its unique index).
_USERS_BY_IDS_OR_EMAILS = _USERS.where(
    or_(
        UserRow.__table__.c.id == any_(ids_parameter("ids")),
        UserRow.__table__.c.email == any_(texts_parameter("emails")),
    )
).order_by(UserRow.__table__.c.email)
_FIND_USERS = DriverStatement(_USERS_BY_IDS_OR_EMAILS)  # every event creation runs it


FIRST_USER_LOCK_ID = 0x706C6E75  # "plnu": serialises the sign-ups that might be the first


class SqlUserRepository:
    """Registered users; the unique index on `users.email` is what refuses a second sign-up."""

    def __init__(self, session: AsyncSession, seen: SeenAggregates, *, touched_people: set[UUID] | None = None) -> None:
        self._session, self._seen = session, seen
        self._touched_people = touched_people if touched_people is not None else set()
        """People whose cached reads a write here made stale (their email, zone and working hours are cached)."""
        self._added_emails: list[str] = []

    async def get(self, user_id: UUID) -> User | None:
        """Return the user with this id."""
        row = (await self._session.execute(_USER_BY_ID, {"user_id": user_id})).one_or_none()
        return None if row is None else _user(row)

    async def get_by_email(self, email: str) -> User | None:
        """Return the user with this (normalized, lower-case) email."""
        row = (await self._session.execute(_USERS.where(UserRow.email == email))).one_or_none()
        return None if row is None else _user(row)

    async def find(self, *, ids: Collection[UUID] = (), emails: Collection[str] = ()) -> list[User]:
        """Return the users having any of these ids or (normalized) emails, each once; unknown ones are skipped."""
        if not ids and not emails:
            return []
        rows = await _FIND_USERS.fetch(self._session, {"ids": list(ids), "emails": list(emails)})
        return [_user(row) for row in rows]

    async def count(self) -> int:
        """Return how many users there are; a count of zero is made exact for this transaction."""
        counted = await self._count()
        if counted == 0:
            # Two first sign-ups at once must not both see an empty table (and both become admins):
            # the lock queues them, and the recount sees whoever committed first.
            await self._session.execute(select(func.pg_advisory_xact_lock(FIRST_USER_LOCK_ID)))
            counted = await self._count()
        return counted

    async def _count(self) -> int:
        return (await self._session.execute(select(func.count()).select_from(UserRow))).scalar_one()

    async def add(self, user: User) -> None:
        """Store a new user; raises EmailAlreadyRegistered if the email is taken."""
        await self._write(insert(UserRow).values(id=user.id, **_fields(user)), user)
        self._added_emails.append(user.email)
        self._seen.remember(user)

    async def save(self, user: User) -> None:
        """Store the changes made to a user (their cached reads, which show their email and zone, are then stale)."""
        self._touched_people.add(user.id)
        await self._write(update(UserRow).where(UserRow.id == user.id).values(**_fields(user)), user)
        self._seen.remember(user)

    async def explain_refusal(self, error: BaseException) -> DomainError | None:
        """The domain's refusal of a commit this transaction's users were refused at, if about an email."""
        if not taken_email(error) or not self._added_emails:
            return None
        return EmailAlreadyRegistered(self._added_emails[0])

    async def _write(self, statement: Insert | Update, user: User) -> None:
        try:
            # A savepoint, so a refused email leaves the rest of the transaction usable.
            async with self._session.begin_nested():
                await self._session.execute(statement.execution_options(synchronize_session=False))
        except IntegrityError as error:
            if taken_email(error):
                raise EmailAlreadyRegistered(user.email) from error
            raise


def _fields(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "password_hash": user.password_hash,
        "timezone": user.timezone,
        "is_admin": user.is_admin,
        "created_at": user.created_at,
    }


def _user(row: Any) -> User:  # a SQLAlchemy or a driver row
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        password_hash=row.password_hash,
        timezone=row.timezone,
        is_admin=row.is_admin,
        created_at=row.created_at,
    )
