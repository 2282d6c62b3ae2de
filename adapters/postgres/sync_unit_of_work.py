"""The unit of work of Google sync and jobs on PostgreSQL: one AsyncSession transaction per `async with`."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.google.token_cipher import TokenCipher
from adapters.postgres.repositories.google import SqlGoogleRepository
from adapters.postgres.repositories.jobs import SqlJobRepository


class PostgresSyncUnitOfWork:
    """Implements application.google_sync.ports.SyncUnitOfWork; leaving without commit rolls back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], cipher: TokenCipher) -> None:
        self._sessions, self._cipher = sessions, cipher
        self._session: AsyncSession | None = None
        self._jobs: SqlJobRepository | None = None
        self._google: SqlGoogleRepository | None = None

    @property
    def jobs(self) -> SqlJobRepository:
        if self._jobs is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._jobs

    @property
    def google(self) -> SqlGoogleRepository:
        if self._google is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._google

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("the unit of work is already in use: make one per request or task")
        self._session = self._sessions()
        self._jobs = SqlJobRepository(self._session)
        self._google = SqlGoogleRepository(self._session, self._cipher)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        session, self._session, self._jobs, self._google = self._session, None, None, None
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()

    async def commit(self) -> None:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        await self._session.commit()
