"""Handing committed outbox messages to SAQ: when a commit wakes the relay, and by the sweeper.

Every message becomes one job keyed `outbox:{id}`. SAQ refuses a second job with a key that is
still queued, scheduled or running, so handing a message over twice (two workers' relays, or a
relay and the sweeper) runs it once; a job that ran and finished can be handed over again,
which the task's own idempotency absorbs.
"""

import asyncio
from datetime import timedelta
from typing import Any

import structlog

from adapters.postgres.outbox.progress import OutboxEntry, OutboxProgress
from adapters.telemetry.tracing import TRACE_KEY

log = structlog.get_logger(__name__)

DISPATCH_TASK = "dispatch_outbox_message"
"""Acts on any outbox message; the ones people are told about have tasks named after what they are told."""

OUTBOX_TASKS = {
    "participant_invited": "notify_event_invited",
    "event_updated": "notify_event_updated",
    "event_cancelled": "notify_event_cancelled",
    "participant_responded": "notify_participant_response",
    "email_queued": "send_email",
}
"""The task that acts on an outbox message, by its domain event's name; DISPATCH_TASK for the others."""

RETRIED: dict[str, Any] = {"timeout": 10, "retries": 5, "retry_delay": 1.0, "retry_backoff": 60.0}
"""Up to 5 attempts, 1 s, 2 s, 4 s, ... apart (at most a minute); a job stuck over 10 s is retried."""

OPTIONS_BY_TASK: dict[str, dict[str, Any]] = {
    # An SMTP conversation may take its 8 s (adapters/mail/smtp.py) on a busy machine: a job cancelled at
    # its timeout after the server took the message would send a second copy, so sending gets more room.
    "send_email": {**RETRIED, "timeout": 30},
}
"""Tasks whose jobs need other options than RETRIED."""

LOST_JOBS_ARE_RETRIED_AFTER = timedelta(minutes=5)
"""A message handed over this long ago and still unprocessed is handed over again (its job is lost or failed)."""

STUCK_HAND_OVERS = 3
"""From this many hand-overs on, a message is logged as one that keeps failing (it is still handed over)."""


def outbox_job_key(outbox_id: int) -> str:
    """The key of the job acting on an outbox message."""
    return f"outbox:{outbox_id}"


def task_for(event_name: str) -> str:
    """The name of the task that acts on an outbox message about `event_name`."""
    return OUTBOX_TASKS.get(event_name, DISPATCH_TASK)


class OutboxHandOver:
    """Enqueues outbox messages as SAQ jobs and notes that they were handed over."""

    def __init__(self, queue: Any, progress: OutboxProgress) -> None:
        self._queue = queue
        self._progress = progress

    async def sweep(
        self,
        *,
        unsent_for: timedelta = timedelta(seconds=5),
        unprocessed_for: timedelta = LOST_JOBS_ARE_RETRIED_AFTER,
        batch: int = 500,
        max_batches: int = 20,
    ) -> int:
        """Hand over what no one handed over for `unsent_for`, and what the queue lost; answers how many messages.

        The relay sweeps with `unsent_for=0` whenever commits woke it; the cron job every minute.
        """
        handed_over = 0
        for _ in range(max_batches):
            entries = await self._progress.hand_over_waiting(
                self._enqueue, unsent_for=unsent_for, unprocessed_for=unprocessed_for, limit=batch
            )
            stuck = [entry.id for entry in entries if entry.attempts >= STUCK_HAND_OVERS]
            if stuck:
                log.warning("outbox.messages_keep_failing", outbox_ids=stuck[:20], count=len(stuck))
            handed_over += len(entries)
            if len(entries) < batch:
                break
        if handed_over:
            log.debug("outbox.swept", handed_over=handed_over)
        return handed_over

    async def _enqueue(self, entries: list[OutboxEntry]) -> None:
        await asyncio.gather(
            *(
                self._queue.enqueue(
                    task_for(entry.name),
                    key=outbox_job_key(entry.id),
                    outbox_id=entry.id,
                    **OPTIONS_BY_TASK.get(task_for(entry.name), RETRIED),
                    **({"meta": {TRACE_KEY: entry.trace}} if entry.trace else {}),
                )
                for entry in entries
            )
        )
