"""Asking the workers to send webhook deliveries: now (a job that sends every delivery due), or at a retry's time
(a scheduled job for that delivery)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from saq.job import Status

SEND_TASK = "send_webhook_deliveries"
SENDING: dict[str, Any] = {"timeout": 60, "retries": 2, "retry_delay": 1.0}
"""A job claims no new batch after 20 s and a batch's attempts end within 10 s; whatever a lost or failed job
left is sent by the minute's sweep."""
NOW_SLOTS = 4
"""Keys of the jobs that send what is due (`webhooks:now:0`, ...): more than jobs can run at once (2 processes,
one job each, by default), so one is free or waiting whenever one is asked for."""


class SaqWebhookQueue:
    """Implements domain.webhooks.ports.WebhookQueue on the one SAQ queue."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    async def send_now(self, delivery_ids: Sequence[UUID]) -> None:
        """Make sure a job that has not claimed yet is waiting: it sends these with every other delivery due.

        The deliveries are committed before this is called. A job still queued claims after that, so it finds
        them: a burst of changes queues one job, not one per change. A job already running may have claimed
        before they were stored, so the next slot is tried; with every slot running, a job without a key.
        """
        for slot in range(NOW_SLOTS):
            key = f"webhooks:now:{slot}"
            # Looked at first: in a burst it is waiting, and one round trip settles it.
            if await self._waiting(key):
                return
            if await self._queue.enqueue(SEND_TASK, key=key, **SENDING) is not None:
                return
            if await self._waiting(key):  # another change queued it meanwhile
                return
        await self._queue.enqueue(SEND_TASK, **SENDING)

    async def _waiting(self, key: str) -> bool:
        job = await self._queue.job(key)
        # Its status turns active before its function runs, so "queued" means it has not claimed yet.
        return job is not None and job.status == Status.QUEUED

    async def send_at(self, delivery_id: UUID, when: datetime) -> None:
        await self._queue.enqueue(
            SEND_TASK,
            key=f"webhooks:{delivery_id}:at:{when.timestamp():.3f}",
            delivery_ids=[str(delivery_id)],
            scheduled=int(when.timestamp()) + 1,
            **SENDING,
        )
