"""SAQ tasks of Google write-back: write one event to its organizer's Google calendar; queue again what waits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from saq.types import Context

from application.google_sync import write_event_to_google as writing
from application.google_sync.retry_waiting_writes import RetryWaitingWrites, retry_waiting_writes
from entrypoints.worker.context import container_of


async def write_event_to_google(ctx: Context, *, event_id: str) -> dict[str, Any]:
    """Bring the Google copy of a planner event up to date (Google unreachable: raised, so SAQ retries)."""
    container = container_of(ctx)
    outcome = await writing.write_event_to_google(
        writing.WriteEventToGoogle(event_id=UUID(event_id)),
        uow=container.unit_of_work(),
        writers=container.google.writers,
        clock=container.clock,
        tell_owner=container.tell_owner,
    )
    return {"event_id": event_id, "outcome": outcome}


async def retry_google_writes(ctx: Context) -> dict[str, Any]:
    """Cron, every 5 minutes: queue again the writes to Google still pending or refused."""
    container = container_of(ctx)
    return await retry_waiting_writes(
        RetryWaitingWrites(),
        uow=container.unit_of_work(),
        clock=container.clock,
        queue=container.google.writes,
    )
