"""What Google sync needs from the rest of the system besides the unit of work: a queue, a way to tell people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import Protocol
from uuid import UUID

from domain.notifications.notification import NotificationDraft


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

    async def refresh_calendars(self, user_id: UUID) -> str:
        """Read the person's calendar list for calendars added or removed in Google."""
        ...


TellOwner = Callable[[NotificationDraft], Awaitable[None]]
"""Stores and publishes a notification (the notifications feature's create_notification)."""

ForgetReads = Callable[[Iterable[UUID]], Awaitable[None]]
"""Forgets the cached calendar reads of these people (and tells their open pages)."""


class PushFlags(Protocol):
    """Whether a sync of a calendar was asked for (Google pushed, a cron or a job wants it) since it was taken."""

    async def mark(self, user_id: UUID, google_calendar_id: str) -> None: ...

    async def take(self, user_id: UUID, google_calendar_id: str) -> bool:
        """Clear the calendar's flag; answers whether it was set."""
        ...

    async def is_set(self, user_id: UUID, google_calendar_id: str) -> bool: ...


class SyncLocks(Protocol):
    """One sync at a time per mirrored calendar, across every worker."""

    def hold(self, calendar_id: UUID, *, wait_s: float = 0) -> AbstractAsyncContextManager[bool]:
        """Inside: True while this one holds the calendar, False when another held it for longer than `wait_s`."""
        ...


class PendingAuthorizations(Protocol):
    """Consents under way: each state's nonce with its PKCE verifier, usable once."""

    async def open(self, nonce: str, *, code_verifier: str, ttl_s: int) -> None: ...

    async def take(self, nonce: str) -> str | None:
        """The verifier kept for `nonce`, removed as it is read; None when unknown, expired or already used."""
        ...
