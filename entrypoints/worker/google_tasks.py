"""SAQ tasks of Google sync: run a job, sync one calendar after a push, open and renew channels, retry partial jobs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import structlog
from saq.types import Context

from application.notifications.create_notification import create_notification
from domain.google_sync.errors import GoogleError, NotConnected
from domain.jobs.job import JobKind, JobStatus
from domain.notifications.notification import NotificationDraft
from entrypoints.google import GoogleServices, build_google_services
from entrypoints.infrastructure import Infrastructure
from entrypoints.settings import Settings
from entrypoints.worker.services import WorkerServices

log = structlog.get_logger(__name__)

GOOGLE = "google"
"""The key of the GoogleServices in a task's context."""
MAX_ROUNDS = 5
"""How often one sync task goes round again for pushes that came while it ran."""


def worker_google_services(
    settings: Settings, infrastructure: Infrastructure, services: WorkerServices
) -> GoogleServices:
    async def tell_owner(draft: NotificationDraft) -> None:
        await create_notification(draft, uow=services.unit_of_work(), publisher=services.publisher)

    async def forget_reads(user_ids: Iterable[UUID]) -> None:
        people = set(user_ids)
        if services.reads is not None:
            await services.reads.forget_people(people)
        # Their open pages learn of it at once, and reload what they show.
        await services.publisher.calendars_changed(people)

    return build_google_services(settings, infrastructure, tell_owner=tell_owner, forget_reads=forget_reads)


def google_of(ctx: Context) -> GoogleServices:
    google = ctx.get(GOOGLE)
    if not isinstance(google, GoogleServices):
        raise RuntimeError("the worker started without its Google services; is saq_config's startup wired?")
    return google


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
    owner = UUID(user_id)
    statuses = []
    await google.pushed.take(owner, google_calendar_id)
    for _ in range(MAX_ROUNDS):
        job = await google.sync.sync_calendar(owner, google_calendar_id)
        statuses.append(None if job is None else job.status.value)
        if not await google.pushed.take(owner, google_calendar_id):
            break
    return {"rounds": len(statuses), "statuses": statuses}


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
