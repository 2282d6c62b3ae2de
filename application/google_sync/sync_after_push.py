"""Sync one calendar after Google pushed a change (or a cron found it due)."""

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.ports import ForgetReads, PushFlags, SyncLocks, TellOwner
from application.google_sync.sync_calendar import SyncCalendar, sync_calendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.ports import CalendarApis
from domain.jobs.job import Job


@dataclass(frozen=True, kw_only=True)
class SyncAfterPush:
    """Sync a calendar Google pushed a change of."""

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
    locks: SyncLocks,
    retry_base_seconds: float = 0.5,
) -> list[Job | None]:
    """An incremental sync of the calendar; answers its job (in a list: one per task run).

    While a sync is queued, further pushes queue nothing (they only set the calendar's flag); the sync
    holding the calendar goes round again while the flag is set (application.google_sync.one_at_a_time).
    """
    job = await sync_calendar(
        SyncCalendar(user_id=command.user_id, google_calendar_id=command.google_calendar_id),
        uow=uow,
        apis=apis,
        clock=clock,
        forget_reads=forget_reads,
        tell_owner=tell_owner,
        locks=locks,
        pushed=pushed,
        retry_base_seconds=retry_base_seconds,
    )
    return [job]
