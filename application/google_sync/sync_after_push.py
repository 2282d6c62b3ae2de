"""Sync one calendar after Google pushed a change, and go round again while pushes keep coming."""

from uuid import UUID

from application.google_sync.ports import PushFlags
from application.google_sync.sync import GoogleSync
from domain.jobs.job import Job

MAX_ROUNDS = 5
"""How often one sync goes round again for pushes that came while it ran."""


async def sync_after_push(
    user_id: UUID, google_calendar_id: str, *, sync: GoogleSync, pushed: PushFlags, max_rounds: int = MAX_ROUNDS
) -> list[Job | None]:
    """Incremental syncs of the calendar until no push came during the last one; answers each round's job.

    While a sync is queued, further pushes queue nothing (they only set the flag), so this round-again
    is what picks up a change Google pushed while the calendar was being read.
    """
    rounds: list[Job | None] = []
    await pushed.take(user_id, google_calendar_id)
    for _ in range(max_rounds):
        rounds.append(await sync.sync_calendar(user_id, google_calendar_id))
        if not await pushed.take(user_id, google_calendar_id):
            break
    return rounds
