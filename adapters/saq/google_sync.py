"""Google sync work on the SAQ queue: one job per run, and one queued incremental sync per calendar at most."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from redis.asyncio import Redis
from saq.job import Status

RUN_JOB_TASK = "run_google_job"
SYNC_CALENDAR_TASK = "sync_google_calendar"
WATCH_CALENDARS_TASK = "watch_google_calendars"
REFRESH_CALENDARS_TASK = "refresh_google_calendars"
PUSHED_TTL_S = 3600
FOLLOW_UP_AFTER_S = 5
"""When a calendar's sync is already queued or running, a follow-up sync is queued this long after."""
RETRIED_SYNC: dict[str, Any] = {"retries": 3, "retry_delay": 1.0, "retry_backoff": 30.0}
"""A sync task that died (worker lost, database down) runs again; every sync step is idempotent."""


def sync_calendar_key(user_id: UUID | str, google_calendar_id: str) -> str:
    """The SAQ key of a calendar's incremental sync: a burst of pushes queues it once."""
    return f"google-sync:{user_id}:{google_calendar_id}"


class PushedChanges:
    """A flag per calendar saying Google pushed since its sync last started.

    SAQ refuses a job whose key is queued or running, so a push that arrives while the sync runs is
    remembered here, and the running sync goes round once more instead of missing the change.
    """

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def mark(self, user_id: UUID | str, google_calendar_id: str) -> None:
        await self._redis.set(_flag(user_id, google_calendar_id), b"1", ex=PUSHED_TTL_S)

    async def take(self, user_id: UUID | str, google_calendar_id: str) -> bool:
        """Whether a push came since the last take; clears the flag."""
        return bool(await self._redis.getdel(_flag(user_id, google_calendar_id)))

    async def is_set(self, user_id: UUID | str, google_calendar_id: str) -> bool:
        return bool(await self._redis.exists(_flag(user_id, google_calendar_id)))


class SaqSyncQueue:
    """Implements application.google_sync.ports.SyncQueue on the SAQ queue."""

    def __init__(self, queue: Any, pushed: PushedChanges) -> None:
        self._queue, self._pushed = queue, pushed

    async def run_job(self, job_id: UUID) -> str:
        key = f"google-job:{job_id}"
        await self._queue.enqueue(RUN_JOB_TASK, key=key, job_id=str(job_id), timeout=3600, **RETRIED_SYNC)
        return key

    async def sync_calendar(self, user_id: UUID, google_calendar_id: str) -> str:
        key = sync_calendar_key(user_id, google_calendar_id)
        await self._pushed.mark(user_id, google_calendar_id)
        arguments = {"user_id": str(user_id), "google_calendar_id": google_calendar_id, "timeout": 600, **RETRIED_SYNC}
        if await self._queue.enqueue(SYNC_CALENDAR_TASK, key=key, **arguments) is not None:
            return key
        running = await self._queue.job(key)
        if running is None or running.status is not Status.ACTIVE:
            return key  # still queued: when it runs, it sees the flag
        # SAQ refuses the key until the running sync has finished: a follow-up shortly after catches a
        # push that came as that sync was letting go (the flag says it is still wanted).
        again = f"{key}:again"
        await self._queue.enqueue(
            SYNC_CALENDAR_TASK, key=again, scheduled=int(time.time()) + FOLLOW_UP_AFTER_S, **arguments
        )
        return again

    async def watch_calendars(self, user_id: UUID) -> str:
        key = f"google-watch:{user_id}"
        await self._queue.enqueue(WATCH_CALENDARS_TASK, key=key, user_id=str(user_id), timeout=300, **RETRIED_SYNC)
        return key

    async def refresh_calendars(self, user_id: UUID) -> str:
        key = f"google-calendars:{user_id}"
        await self._queue.enqueue(REFRESH_CALENDARS_TASK, key=key, user_id=str(user_id), timeout=300, **RETRIED_SYNC)
        return key


def _flag(user_id: UUID | str, google_calendar_id: str) -> str:
    return f"planner:google:pushed:{user_id}:{google_calendar_id}"
