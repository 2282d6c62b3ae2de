"""Queue a full sync of a person's Google calendars, as a job they can follow."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.ports import SyncQueue
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.jobs.job import Job, JobKind


@dataclass(frozen=True, kw_only=True)
class StartFullSync:
    """Queue a full sync of the person's Google calendars."""

    user_id: UUID


async def start_full_sync(command: StartFullSync, *, uow: UnitOfWork, clock: Clock, queue: SyncQueue) -> Job:
    """Store a full sync job of the person's Google calendars and queue it."""
    job = Job.create(kind=JobKind.GOOGLE_FULL_SYNC, owner_id=command.user_id, now=clock.now())
    async with uow:
        await uow.jobs.add(job)
        await uow.commit()
    await queue.run_job(job.id)
    return job
