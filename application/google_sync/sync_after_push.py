"""Sync one calendar after Google pushed a change, and go round again while pushes keep coming."""

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.ports import ForgetReads, PushFlags, TellOwner
from application.google_sync.sync_calendar import SyncCalendar, sync_calendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.ports import CalendarApis
from domain.jobs.job import Job

MAX_ROUNDS = 5
"""How often one sync goes round again for pushes that came while it ran."""


@dataclass(frozen=True, kw_only=True)
class SyncAfterPush:
    """Sync a calendar Google pushed a change of, again while pushes keep coming."""

    user_id: UUID
    google_calendar_id: str


async def sync_after_push(
    command: SyncAfterPush,
    *,
    uow: UnitOfWork,
    apis: CalendarApis,
    clock: Clock,
    forget_reads: ForgetReads,
    tell_owner: TellOwner,
    pushed: PushFlags,
    retry_base_seconds: float = 0.5,
) -> list[Job | None]:
    """Incremental syncs of the calendar until no push came during the last one; answers each round's job.

    While a sync is queued, further pushes queue nothing (they only set the flag), so this round-again
    is what picks up a change Google pushed while the calendar was being read.
    """
    rounds: list[Job | None] = []
    user_id, google_calendar_id = command.user_id, command.google_calendar_id
    await pushed.take(user_id, google_calendar_id)
    for _ in range(MAX_ROUNDS):
        job = await sync_calendar(
            SyncCalendar(user_id=user_id, google_calendar_id=google_calendar_id),
            uow=uow,
            apis=apis,
            clock=clock,
            forget_reads=forget_reads,
            tell_owner=tell_owner,
            retry_base_seconds=retry_base_seconds,
        )
        rounds.append(job)
        if not await pushed.take(user_id, google_calendar_id):
            break
    return rounds
