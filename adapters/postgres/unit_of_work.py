"""The unit of work on PostgreSQL: one AsyncSession transaction per `async with`, the outbox in the same commit."""

from datetime import timedelta
from functools import cached_property
from types import TracebackType
from typing import Self

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
from adapters.postgres.repositories.calendar_feeds import SqlCalendarFeedRepository
from adapters.postgres.repositories.google import SqlGoogleRepository
from adapters.postgres.repositories.jobs import SqlJobRepository
from application.unit_of_work import SeenAggregates
from domain.domain_events import DomainEvent
from domain.errors import DomainError
from domain.scheduling.occurrence import OCCURRENCE_HORIZON


class PostgresUnitOfWork:
    """Implements application.unit_of_work.UnitOfWork on an async_sessionmaker.

    Use one instance per request or task (it holds the open session), never from two tasks at once.
    `cipher` encrypts the Google tokens the Google repository stores; without it that repository is unavailable.
    After each successful commit, `committed` holds that commit's outbox messages (id + domain event);
    the commit itself woke the workers that hand them to the queue (adapters/postgres/outbox/relay.py).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        stale_reads: ForgetStaleReads | None = None,
        cipher: TokenCipher | None = None,
        horizon: timedelta = OCCURRENCE_HORIZON,
    ) -> None:
        self._session_factory = session_factory
        self._stale_reads = stale_reads
        self._cipher = cipher
        self._horizon = horizon
        self._seen = SeenAggregates()
        self._session: AsyncSession | None = None
        self._repositories: _Repositories | None = None
        self.committed: list[OutboxMessage] = []
        """The outbox messages of the latest successful commit of this (or the last) `async with`, in order."""

    @property
    def committed_events(self) -> list[DomainEvent]:
        """The domain events of the latest successful commit."""
        return [message.event for message in self.committed]

    @property
    def session(self) -> AsyncSession:
        """The session of the current transaction, for other adapters that must write in it."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._session

    @property
    def users(self) -> SqlUserRepository:
        """Registered users."""
        return self._current().users

    @property
    def calendars(self) -> SqlCalendarRepository:
        """Calendars with their members."""
        return self._current().calendars

    @property
    def rooms(self) -> SqlRoomRepository:
        """Meeting rooms."""
        return self._current().rooms

    @property
    def events(self) -> SqlEventRepository:
        """Events with their participants and reminders."""
        return self._current().events

    @property
    def notifications(self) -> SqlNotificationRepository:
        """Notifications of every user, numbered per user in commit order."""
        return self._current().notifications

    @property
    def reminders(self) -> SqlReminderRepository:
        """Every person's reminders of every event."""
        return self._current().reminders

    @property
    def jobs(self) -> SqlJobRepository:
        """Background jobs people follow (Google syncs)."""
        return self._current().jobs

    @property
    def feeds(self) -> SqlCalendarFeedRepository:
        return self._current().feeds

    @property
    def google(self) -> SqlGoogleRepository:
        """Google accounts, mirrored calendars and push channels."""
        return self._current().google

    async def __aenter__(self) -> Self:
        """Open a session; its transaction begins with the first statement."""
        if self._session is not None:
            raise RuntimeError("the unit of work is already in use: make one per request or task")
        self._session = self._session_factory()
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
            self._session, self._repositories = None, None
            await session.close()

    async def commit(self) -> None:
        """Store the collected domain events in the outbox and commit everything at once.

        Before the commit, who saw what it changes is read in the same transaction; right after it,
        their cached reads are made stale.
        """
        session = self.session
        events = self.collect_new_events()
        messages = await store_in_outbox(session, events)
        audience = (
            await self._stale_reads.audience(session, events, calendar_members=self._current().calendars.members_read)
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
        # Fresh repositories per transaction: what they noted about the last one must not leak into this one.
        self._seen.forget()
        self._repositories = _Repositories(self.session, self._seen, self._cipher, self._horizon)

    def _current(self) -> "_Repositories":
        if self._repositories is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._repositories

    async def _explain_refusal(self, error: Exception) -> DomainError | None:
        # The one path for a write refused by a statement or at commit (only deferred constraints
        # refuse then): roll the transaction back, then ask the repositories of the failed transaction,
        # which remember what it wrote, to name the refusal from the committed data, in a fresh transaction.
        repositories = self._current()
        await self.rollback()
        try:
            for explained in (repositories.events, repositories.users):
                refusal = await explained.explain_refusal(error)
                if refusal is not None:
                    return refusal
            return None
        finally:
            await self.rollback()


class _Repositories:
    """The repositories of one transaction, sharing its session and its seen aggregates; made on first use."""

    def __init__(
        self, session: AsyncSession, seen: SeenAggregates, cipher: TokenCipher | None, horizon: timedelta
    ) -> None:
        self._session, self._seen, self._cipher, self._horizon = session, seen, cipher, horizon

    @cached_property
    def users(self) -> SqlUserRepository:
        return SqlUserRepository(self._session, self._seen)

    @cached_property
    def calendars(self) -> SqlCalendarRepository:
        return SqlCalendarRepository(self._session, self._seen)

    @cached_property
    def rooms(self) -> SqlRoomRepository:
        return SqlRoomRepository(self._session)

    @cached_property
    def events(self) -> SqlEventRepository:
        return SqlEventRepository(self._session, self._seen, horizon=self._horizon)

    @cached_property
    def notifications(self) -> SqlNotificationRepository:
        return SqlNotificationRepository(self._session)

    @cached_property
    def reminders(self) -> SqlReminderRepository:
        return SqlReminderRepository(self._session)

    @cached_property
    def jobs(self) -> SqlJobRepository:
        return SqlJobRepository(self._session)

    @cached_property
    def feeds(self) -> SqlCalendarFeedRepository:
        return SqlCalendarFeedRepository(self._session)

    @cached_property
    def google(self) -> SqlGoogleRepository:
        if self._cipher is None:
            raise RuntimeError("this unit of work was built without the token cipher the Google repository needs")
        return SqlGoogleRepository(self._session, self._cipher, self._seen)
