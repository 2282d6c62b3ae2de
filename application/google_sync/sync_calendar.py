"""Fetch one mirrored calendar's changes from Google: an incremental sync, as a job of its own."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.ports import ForgetReads, PushFlags, SyncLocks, TellOwner
from application.google_sync.run_sync_job import RunSyncJob, run_sync_job
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.ports import CalendarApis
from domain.jobs.job import Job, JobKind, JobSource


@dataclass(frozen=True, kw_only=True)
class SyncCalendar:
    """Fetch one mirrored calendar's changes from Google, as a job of its own."""

    user_id: UUID
    google_calendar_id: str


async def sync_calendar(
    command: SyncCalendar,
    *,
    uow: UnitOfWork,
    apis: CalendarApis,
    clock: Clock,
    forget_reads: ForgetReads,
    tell_owner: TellOwner,
    locks: SyncLocks,
    pushed: PushFlags,
    retry_base_seconds: float = 0.5,
) -> Job | None:
    """An incremental sync of one calendar, as a job of its own; None when it is not mirrored."""
    async with uow:
        mirror = await uow.google.mirrored_calendar(command.user_id, command.google_calendar_id)
        if mirror is None:
            return None
        job = Job.create(
            kind=JobKind.GOOGLE_INCREMENTAL_SYNC,
            owner_id=command.user_id,
            now=clock.now(),
            sources=[JobSource(key=command.google_calendar_id, label=mirror.name)],
        )
        await uow.jobs.add(job)
        await uow.commit()
    return await run_sync_job(
        RunSyncJob(job_id=job.id),
        uow=uow,
        apis=apis,
        clock=clock,
        forget_reads=forget_reads,
        tell_owner=tell_owner,
        locks=locks,
        pushed=pushed,
        retry_base_seconds=retry_base_seconds,
    )
