"""Asking the workers to send webhook deliveries: now (a batch per job), or at a retry's time (a scheduled job)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

SEND_TASK = "send_webhook_deliveries"
JOB_BATCH = 50
"""Deliveries per job: their attempts run side by side, so a job takes about as long as its slowest receiver."""
SENDING: dict[str, Any] = {"timeout": 60, "retries": 2, "retry_delay": 1.0}
"""A job's attempts end within 10 s; whatever a lost or failed job left is sent by the minute's sweep."""


class SaqWebhookQueue:
    """Implements domain.webhooks.ports.WebhookQueue on the one SAQ queue."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    async def send_now(self, delivery_ids: Sequence[UUID]) -> None:
        ids = [str(delivery_id) for delivery_id in delivery_ids]
        for start in range(0, len(ids), JOB_BATCH):
            batch = ids[start : start + JOB_BATCH]
            # No key: a finished job's key may still block a new one, and "send again" must always run.
            # A batch queued twice costs one claim that finds nothing due.
            await self._queue.enqueue(SEND_TASK, delivery_ids=batch, **SENDING)

    async def send_at(self, delivery_id: UUID, when: datetime) -> None:
        await self._queue.enqueue(
            SEND_TASK,
            key=f"webhooks:{delivery_id}:at:{when.timestamp():.3f}",
            delivery_ids=[str(delivery_id)],
            scheduled=int(when.timestamp()) + 1,
            **SENDING,
        )
