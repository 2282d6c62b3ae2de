"""SAQ tasks of Google sync: run a job, sync one calendar after a push, open and renew channels, retry partial jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import structlog
from saq.types import Context

from application.google_sync.refresh_calendars import RefreshCalendars, refresh_calendars
from application.google_sync.renew_channels import RenewChannels, renew_channels
from application.google_sync.retry_partial_jobs import RetryPartialJobs
from application.google_sync.retry_partial_jobs import retry_partial_jobs as retry_partial_sync_jobs
from application.google_sync.run_sync_job import RunSyncJob, run_sync_job
from application.google_sync.sync_after_push import SyncAfterPush, sync_after_push
from application.google_sync.sync_due_calendars import SyncDueCalendars, sync_due_calendars
from application.google_sync.watch_calendars import WatchCalendars, watch_calendars
from domain.google_sync.errors import GoogleError, NotConnected
from domain.google_sync.model import WatchChannel
from domain.jobs.job import JobKind, JobStatus
from entrypoints.bootstrap import Container
from entrypoints.worker.context import container_of

log = structlog.get_logger(__name__)


async def run_google_job(ctx: Context, *, job_id: str) -> dict[str, Any]:
    """Run a sync job (or the missing sources of a partial one); a finished full sync then opens channels."""
    container = container_of(ctx)
    google = container.google
    job = await run_sync_job(
        RunSyncJob(job_id=UUID(job_id)),
        uow=container.unit_of_work(),
        apis=google.apis,
        clock=container.clock,
        forget_reads=container.forget_reads,
        tell_owner=container.tell_owner,
        locks=google.locks,
        pushed=google.pushed,
        retry_base_seconds=google.retry_base_seconds,
    )
    if job is None:
        return {"job_id": job_id, "status": "unknown"}
    opened = 0
    if job.kind is JobKind.GOOGLE_FULL_SYNC and job.status in (JobStatus.COMPLETE, JobStatus.PARTIAL):
        try:
            opened = len(await _watch(container, job.owner_id))
        except (GoogleError, NotConnected):
            log.warning("google.watch_failed", user_id=str(job.owner_id), exc_info=True)
    return {"job_id": job_id, "status": job.status.value, "progress": job.progress, "channels_opened": opened}


async def sync_google_calendar(ctx: Context, *, user_id: str, google_calendar_id: str) -> dict[str, Any]:
    """Incremental sync of one calendar after a push; goes round again while pushes keep coming."""
    container = container_of(ctx)
    google = container.google
    rounds = await sync_after_push(
        SyncAfterPush(user_id=UUID(user_id), google_calendar_id=google_calendar_id),
        uow=container.unit_of_work(),
        apis=google.apis,
        clock=container.clock,
        forget_reads=container.forget_reads,
        tell_owner=container.tell_owner,
        pushed=google.pushed,
        locks=google.locks,
        retry_base_seconds=google.retry_base_seconds,
    )
    return {"rounds": len(rounds), "statuses": [None if job is None else job.status.value for job in rounds]}


async def watch_google_calendars(ctx: Context, *, user_id: str) -> dict[str, Any]:
    """Open a push channel on each mirrored calendar of the person that has none."""
    opened = await _watch(container_of(ctx), UUID(user_id))
    return {"opened": [channel.id for channel in opened]}


async def renew_google_channels(ctx: Context) -> dict[str, Any]:
    """Cron: forget dead channels, replace expired ones once, renew those that expire within 24 hours."""
    container = container_of(ctx)
    return await renew_channels(
        RenewChannels(),
        uow=container.unit_of_work(),
        apis=container.google.apis,
        clock=container.clock,
        webhook_address=container.google.webhook_address,
        retry_base_seconds=container.google.retry_base_seconds,
    )


async def sync_due_google_calendars(ctx: Context) -> dict[str, Any]:
    """Cron, every minute: queue polled calendars, the safety-net syncs and calendar-list reads that are due."""
    container = container_of(ctx)
    google = container.settings.google
    return await sync_due_calendars(
        SyncDueCalendars(
            poll_every=timedelta(minutes=google.poll_minutes),
            safety_sync_every=timedelta(hours=google.safety_sync_hours),
        ),
        uow=container.unit_of_work(),
        clock=container.clock,
        queue=container.google.queue,
    )


async def refresh_google_calendars(ctx: Context, *, user_id: str) -> dict[str, Any]:
    """Read a person's calendar list: mirror calendars added in Google, delete removed ones and tell them."""
    container = container_of(ctx)
    google = container.google
    try:
        return await refresh_calendars(
            RefreshCalendars(user_id=UUID(user_id)),
            uow=container.unit_of_work(),
            apis=google.apis,
            clock=container.clock,
            queue=google.queue,
            locks=google.locks,
            tell_owner=container.tell_owner,
            forget_reads=container.forget_reads,
            retry_base_seconds=google.retry_base_seconds,
        )
    except (GoogleError, NotConnected):
        log.warning("google.calendar_list_refresh_failed", user_id=user_id, exc_info=True)
        return {"added": 0, "removed": 0}


async def retry_partial_jobs(ctx: Context) -> dict[str, Any]:
    """Cron, every 5 minutes: retry partial jobs' missing sources; give up 3 hours after the first failure."""
    container = container_of(ctx)
    return await retry_partial_sync_jobs(
        RetryPartialJobs(),
        uow=container.unit_of_work(),
        clock=container.clock,
        queue=container.google.queue,
        tell_owner=container.tell_owner,
    )


async def _watch(container: Container, user_id: UUID) -> list[WatchChannel]:
    return await watch_calendars(
        WatchCalendars(user_id=user_id),
        uow=container.unit_of_work(),
        apis=container.google.apis,
        clock=container.clock,
        webhook_address=container.google.webhook_address,
        retry_base_seconds=container.google.retry_base_seconds,
    )
