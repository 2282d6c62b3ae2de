"""Queue again the writes to Google that are still waiting: Google was down longer than a task's retries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.google_sync.write_event_to_google import WriteQueue
from application.unit_of_work import UnitOfWork
from domain.clock import Clock

RETRY_AFTER = timedelta(minutes=5)
"""A write still pending (or refused) is queued again this long after its last try, twice as long after the next."""
BATCH = 1000


@dataclass(frozen=True, kw_only=True)
class RetryWaitingWrites:
    """Queue again every write to Google left pending or refused for a while."""


async def retry_waiting_writes(
    command: RetryWaitingWrites, *, uow: UnitOfWork, clock: Clock, queue: WriteQueue
) -> dict[str, int]:
    """Queue the waiting writes (oldest first); answers how many."""
    async with uow:
        waiting = await uow.google.writes_waiting(clock.now(), RETRY_AFTER, BATCH)
        owners = {event_id: await uow.google.writes_back(event_id) for event_id in waiting}
    queued = 0
    for event_id, organizer_id in owners.items():
        if organizer_id is not None:
            await queue.write_event(organizer_id, event_id)
            queued += 1
    return {"queued": queued}
