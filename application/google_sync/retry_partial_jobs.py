"""Retry the missing sources of partial sync jobs, give up on those too old, purge old incremental ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.google_sync.ports import SyncQueue, TellOwner
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.jobs.job import JobKind, JobStatus
from domain.notifications.rules import google_sync_gave_up

INCREMENTAL_JOBS_KEPT_FOR = timedelta(days=7)
"""Each push leaves a small incremental-sync job; complete ones are purged after this long."""
PURGE_BATCH = 5_000


@dataclass(frozen=True, kw_only=True)
class RetryPartialJobs:
    """Retry the missing sources of at most `limit` partial jobs; give up on those too old."""

    limit: int = 100


async def retry_partial_jobs(
    command: RetryPartialJobs, *, uow: UnitOfWork, clock: Clock, queue: SyncQueue, tell_owner: TellOwner
) -> dict[str, int]:
    """Cron: retry the missing sources of partial jobs; fail (and tell the owner) those past 3 hours.

    It also purges complete incremental-sync jobs older than a week.
    """
    now = clock.now()
    retried = given_up = 0
    async with uow:
        jobs = await uow.jobs.partial_before(now, command.limit)
    for job in jobs:
        if job.should_give_up(now):
            async with uow:
                current = await uow.jobs.get(job.id, for_update=True)
                if current is None or current.status is not JobStatus.PARTIAL:
                    continue
                current.give_up(now)
                await uow.jobs.save(current)
                await uow.commit()
            await tell_owner(google_sync_gave_up(current))
            given_up += 1
        else:
            await queue.run_job(job.id)
            retried += 1
    async with uow:
        purged = await uow.jobs.purge_complete(
            JobKind.GOOGLE_INCREMENTAL_SYNC, now - INCREMENTAL_JOBS_KEPT_FOR, PURGE_BATCH
        )
        await uow.commit()
    return {"retried": retried, "given_up": given_up, "purged": purged}
