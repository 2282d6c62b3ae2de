"""What Google sync needs from the rest of the system: a transaction, a queue, a way to tell people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from domain.google_sync.ports import GoogleRepository
from domain.jobs.ports import JobRepository
from domain.notifications.notification import NotificationDraft


class SyncUnitOfWork(Protocol):
    """One transaction over jobs and Google sync state."""

    @property
    def jobs(self) -> JobRepository: ...

    @property
    def google(self) -> GoogleRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...


class SyncQueue(Protocol):
    """Hands sync work to the background workers; answers the queued task's id."""

    async def run_job(self, job_id: UUID) -> str:
        """Run (or retry the missing sources of) a job."""
        ...

    async def sync_calendar(self, user_id: UUID, google_calendar_id: str) -> str:
        """Fetch a calendar's changes; while one is queued, asking again queues nothing more."""
        ...

    async def watch_calendars(self, user_id: UUID) -> str:
        """Open push channels on every mirrored calendar of the person that has none."""
        ...


TellOwner = Callable[[NotificationDraft], Awaitable[None]]
"""Stores and publishes a notification (the notifications feature's create_notification)."""


class PendingAuthorizations(Protocol):
    """Consents under way: each state's nonce with its PKCE verifier, usable once."""

    async def open(self, nonce: str, *, code_verifier: str, ttl_s: int) -> None: ...

    async def take(self, nonce: str) -> str | None:
        """The verifier kept for `nonce`, removed as it is read; None when unknown, expired or already used."""
        ...
