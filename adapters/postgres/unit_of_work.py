"""The unit of work on PostgreSQL: one AsyncSession transaction per `async with`, the outbox in the same commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import Generic, Self, TypeVar, cast, overload
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.google.token_cipher import TokenCipher
from adapters.postgres.cache_invalidation import ForgetStaleReads
from adapters.postgres.outbox.store import OutboxMessage, store_in_outbox
from adapters.postgres.repositories import (
    SqlCalendarRepository,
    SqlEventRepository,
    SqlNotificationRepository,
    SqlReminderRepository,
    SqlRoomRepository,
    SqlUserRepository,
)
from adapters.postgres.repositories.availability import SqlAvailabilityRepository
from adapters.postgres.repositories.calendar_feeds import SqlCalendarFeedRepository
from adapters.postgres.repositories.emails import SqlOutgoingEmailRepository
from adapters.postgres.repositories.google import SqlGoogleRepository
from adapters.postgres.repositories.jobs import SqlJobRepository
from adapters.postgres.repositories.notification_preferences import SqlNotificationPreferenceRepository
from application.cache import CalendarReads
from application.unit_of_work import SeenAggregates
from domain.domain_events import DomainEvent
from domain.errors import DomainError
from domain.scheduling.occurrence import OCCURRENCE_HORIZON

R = TypeVar("R")


class _Transaction:
    """What the repositories of one transaction share: its session and seen aggregates, and the repositories made."""

    def __init__(
        self,
        session: AsyncSession,
        seen: SeenAggregates,
        cipher: TokenCipher | None,
        horizon: timedelta,
        reads: CalendarReads | None,
    ) -> None:
        self.session: AsyncSession = session
        self.seen: SeenAggregates = seen
        self.horizon = horizon
        self.reads = reads
        self._cipher = cipher
        self.repositories: dict[str, object] = {}
        self.touched_people: set[UUID] = set()
        """People whose cached reads a write of this transaction made stale without a domain event saying so
        (and application.cache.ROOMS when rooms' bookings changed), bumped after the commit."""

    def token_cipher(self) -> TokenCipher:
        if self._cipher is None:
            raise RuntimeError("this unit of work was built without the token cipher the Google repository needs")
        return self._cipher


class _Repository(Generic[R]):
    """A repository of the unit of work: made on first use in a transaction, the same one until it ends.

    Fresh repositories per transaction: what they noted about the last one must not leak into this one.
    """

    def __init__(self, make: Callable[[_Transaction], R]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> Self: ...
    @overload
    def __get__(self, uow: PostgresUnitOfWork, owner: type) -> R: ...
    def __get__(self, uow: PostgresUnitOfWork | None, owner: type) -> Self | R:
        if uow is None:
            return self
        transaction = uow._current()
        made = transaction.repositories.get(self._name)
        if made is None:
            made = transaction.repositories[self._name] = self._make(transaction)
        return cast(R, made)


class PostgresUnitOfWork:
    """Implements application.unit_of_work.UnitOfWork on an async_sessionmaker.

    Use one instance per request or task (it holds the open session), never from two tasks at once.
    `reads` caches busy time (free/busy, suggestions) under the generations `stale_reads` bumps.
    `reading_session_factory` opens the sessions of `reading()` (adapters/postgres/engine.py `reading_engine`);
    without it they are the others.
    `cipher` encrypts the Google tokens the Google repository stores; without it that repository is unavailable.
    After each successful commit, `committed` holds that commit's outbox messages (id + domain event);
    the commit itself woke the workers that hand them to the queue (adapters/postgres/outbox/relay.py).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        stale_reads: ForgetStaleReads | None = None,
        reads: CalendarReads | None = None,
        cipher: TokenCipher | None = None,
        horizon: timedelta = OCCURRENCE_HORIZON,
        reading_session_factory: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._reading_session_factory = reading_session_factory or session_factory
        self._reading = False
        self._stale_reads = stale_reads
        self._reads = reads
        self._cipher = cipher
        self._horizon = horizon
        self._seen = SeenAggregates()
        self._session: AsyncSession | None = None
        self._transaction: _Transaction | None = None
        self.committed: list[OutboxMessage] = []
        """The outbox messages of the latest successful commit of this (or the last) `async with`, in order."""

    @property
    def session(self) -> AsyncSession:
        """The session of the current transaction, for other adapters that must write in it."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._session

    # What each repository holds is said once, on the port (application/unit_of_work.py).
    users = _Repository(lambda t: SqlUserRepository(t.session, t.seen, touched_people=t.touched_people))
    calendars = _Repository(lambda t: SqlCalendarRepository(t.session, t.seen))
    rooms = _Repository(lambda t: SqlRoomRepository(t.session, touched_people=t.touched_people))
    events = _Repository(
        lambda t: SqlEventRepository(t.session, t.seen, horizon=t.horizon, touched_people=t.touched_people)
    )
    notifications = _Repository(lambda t: SqlNotificationRepository(t.session))
    reminders = _Repository(lambda t: SqlReminderRepository(t.session))
    notification_preferences = _Repository(lambda t: SqlNotificationPreferenceRepository(t.session))
    emails = _Repository(lambda t: SqlOutgoingEmailRepository(t.session, t.seen))
    jobs = _Repository(lambda t: SqlJobRepository(t.session))
    feeds = _Repository(lambda t: SqlCalendarFeedRepository(t.session))
    google = _Repository(lambda t: SqlGoogleRepository(t.session, t.token_cipher(), t.seen))
    availability = _Repository(
        lambda t: SqlAvailabilityRepository(t.session, reads=t.reads, touched_people=t.touched_people)
    )

    def reading(self) -> Self:
        """For the next `async with` only: a session on the reading engine, which cannot commit."""
        if self._session is not None:
            raise RuntimeError("the unit of work is already in use: make one per request or task")
        self._reading = True
        return self

    async def __aenter__(self) -> Self:
        """Open a session; its transaction begins with the first statement."""
        if self._session is not None:
            raise RuntimeError("the unit of work is already in use: make one per request or task")
        self._session = (self._reading_session_factory if self._reading else self._session_factory)()
        self.committed = []
        self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and give the connection back.

        Leaving on a write PostgreSQL refused (a room double-booking, say) raises the domain's refusal instead.
        """
        session = self.session
        try:
            if isinstance(exc, Exception) and not isinstance(exc, DomainError):
                refusal = await self._explain_refusal(exc)
                if refusal is not None:
                    raise refusal from exc
            await self.rollback()
        finally:
            self._session, self._transaction, self._reading = None, None, False
            await session.close()

    async def commit(self) -> None:
        """Store the collected domain events in the outbox and commit everything at once.

        Before the commit, who saw what it changes is read in the same transaction; right after it,
        their cached reads are made stale.
        """
        if self._reading:
            raise RuntimeError("a unit of work opened for reading cannot commit")
        session = self.session
        events = self.collect_new_events()
        messages = await store_in_outbox(session, events)
        audience = (
            self._stale_reads.with_people(
                await self._stale_reads.audience(session, events, calendar_members=self.calendars.members_read),
                self._current().touched_people,
            )
            if self._stale_reads
            else frozenset()
        )
        try:
            await session.commit()
        except Exception as error:
            refusal = await self._explain_refusal(error)
            if refusal is None:
                raise
            raise refusal from error
        self._begin()
        self.committed = messages
        if self._stale_reads is not None and audience:
            # Stale cached reads are forgotten before the write answers, so whoever reads next sees it.
            await self._stale_reads.forget(audience)

    async def rollback(self) -> None:
        """Drop uncommitted changes and the events recorded with them."""
        await self.session.rollback()
        self._begin()

    def collect_new_events(self) -> list[DomainEvent]:
        """Pull the events recorded by the aggregates seen since the last commit or rollback."""
        return self._seen.collect_new_events()

    def _begin(self) -> None:
        self._seen.forget()
        self._transaction = _Transaction(self.session, self._seen, self._cipher, self._horizon, self._reads)

    def _current(self) -> _Transaction:
        if self._transaction is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._transaction

    async def _explain_refusal(self, error: Exception) -> DomainError | None:
        # The one path for a write refused by a statement or at commit (only deferred constraints
        # refuse then): roll the transaction back, then ask the repositories of the failed transaction,
        # which remember what it wrote, to name the refusal from the committed data, in a fresh transaction.
        explainers = (self.events, self.users)
        await self.rollback()
        try:
            for explained in explainers:
                refusal = await explained.explain_refusal(error)
                if refusal is not None:
                    return refusal
            return None
        finally:
            await self.rollback()
