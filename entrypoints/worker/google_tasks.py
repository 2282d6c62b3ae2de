"""SAQ tasks of Google sync: run a job, sync one calendar after a push, open and renew channels, retry partial jobs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import structlog
from saq.types import Context

from application.google_sync.sync_after_push import sync_after_push
from domain.google_sync.errors import GoogleError, NotConnected
from domain.jobs.job import JobKind, JobStatus
from entrypoints.bootstrap import GoogleServices
from entrypoints.worker.context import container_of

log = structlog.get_logger(__name__)


def google_of(ctx: Context) -> GoogleServices:
    return container_of(ctx).google


async def run_google_job(ctx: Context, *, job_id: str) -> dict[str, Any]:
    """Run a sync job (or the missing sources of a partial one); a finished full sync then opens channels."""
    google = google_of(ctx)
    job = await google.sync.run_job(UUID(job_id))
    if job is None:
        return {"job_id": job_id, "status": "unknown"}
    opened = 0
    if job.kind is JobKind.GOOGLE_FULL_SYNC and job.status in (JobStatus.COMPLETE, JobStatus.PARTIAL):
        try:
            opened = len(await google.channels.watch_all(job.owner_id))
        except (GoogleError, NotConnected):
            log.warning("google.watch_failed", user_id=str(job.owner_id), exc_info=True)
    return {"job_id": job_id, "status": job.status.value, "progress": job.progress, "channels_opened": opened}


async def sync_google_calendar(ctx: Context, *, user_id: str, google_calendar_id: str) -> dict[str, Any]:
    """Incremental sync of one calendar after a push; goes round again while pushes keep coming."""
    google = google_of(ctx)
    rounds = await sync_after_push(UUID(user_id), google_calendar_id, sync=google.sync, pushed=google.pushed)
    return {"rounds": len(rounds), "statuses": [None if job is None else job.status.value for job in rounds]}


async def watch_google_calendars(ctx: Context, *, user_id: str) -> dict[str, Any]:
    """Open a push channel on each mirrored calendar of the person that has none."""
    opened = await google_of(ctx).channels.watch_all(UUID(user_id))
    return {"opened": [channel.id for channel in opened]}


async def renew_google_channels(ctx: Context) -> dict[str, Any]:
    """Cron: replace channels that expire within 24 hours."""
    return await google_of(ctx).channels.renew_expiring()


async def retry_partial_jobs(ctx: Context) -> dict[str, Any]:
    """Cron, every 5 minutes: retry partial jobs' missing sources; give up 3 hours after the first failure."""
    return await google_of(ctx).sync.retry_partial_jobs()
