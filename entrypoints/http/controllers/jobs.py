"""Background jobs: their status, result, missing sources, and retrying those."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_202_ACCEPTED

from application.jobs.get_job import get_job
from domain.accounts.api_token import TokenScope
from domain.errors import Conflict
from domain.jobs.job import JobStatus
from entrypoints.http.controllers.google_dependencies import Google, google_dependency
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.jobs import (
    RETRY_INTERVAL_MINUTES,
    Job,
    JobResult,
    JobSource,
    MissingSources,
    RetryQueued,
    RetryStatus,
)
from entrypoints.http.scopes import needs

JobId = Annotated[UUID, Parameter(description="Job id")]


class JobController(Controller):
    path = "/api/jobs"
    tags = ["Jobs"]
    dependencies = google_dependency

    @get(
        "/{job_id:uuid}",
        operation_id="getJob",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404),
        summary="A job's status and progress",
    )
    async def get_job(self, job_id: JobId, ctx: Ctx) -> Job:
        """A background job's kind, status (queued, active, complete, partial, failed) and progress 0-100. Mine, or
        any for administrators."""
        return Job.of(await get_job(job_id, actor_id=ctx.actor.id, is_admin=ctx.actor.is_admin, uow=ctx.uow))

    @get(
        "/{job_id:uuid}/result",
        operation_id="getJobResult",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404),
        summary="What a job loaded (so far)",
    )
    async def result(self, job_id: JobId, ctx: Ctx) -> JobResult:
        """What a finished job did (an import: `imported` and `skipped`)."""
        job = await get_job(job_id, actor_id=ctx.actor.id, is_admin=ctx.actor.is_admin, uow=ctx.uow)
        return JobResult(
            job_id=str(job.id),
            status=job.status.value,
            complete=job.status is JobStatus.COMPLETE,
            result=dict(job.result),
            sources=[JobSource.of(source) for source in job.sources],
        )

    @get(
        "/{job_id:uuid}/missing-sources",
        operation_id="listJobMissingSources",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404),
        summary="The sources a partial job could not load, and why",
    )
    async def missing_sources(self, job_id: JobId, ctx: Ctx) -> MissingSources:
        """The sources a partial job could not load; a cron task retries them every 5 minutes for 3 hours."""
        job = await get_job(job_id, actor_id=ctx.actor.id, is_admin=ctx.actor.is_admin, uow=ctx.uow)
        return MissingSources(job_id=str(job.id), items=[JobSource.of(source) for source in job.missing_sources])

    @get(
        "/{job_id:uuid}/retry-status",
        operation_id="getJobRetryStatus",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404),
        summary="Whether and until when a partial job is retried",
    )
    async def retry_status(self, job_id: JobId, ctx: Ctx) -> RetryStatus:
        """Where the automatic retry of a partial job stands: attempts, sources still missing, when it gives up,
        whether it will retry."""
        job = await get_job(job_id, actor_id=ctx.actor.id, is_admin=ctx.actor.is_admin, uow=ctx.uow)
        return RetryStatus(
            job_id=str(job.id),
            status=job.status.value,
            attempts=job.attempts,
            missing=len(job.missing_sources),
            first_failed_at=job.first_failed_at,
            retried_every_minutes=RETRY_INTERVAL_MINUTES,
            gives_up_at=job.gives_up_at(),
            will_retry=job.status is JobStatus.PARTIAL,
        )

    @post(
        "/{job_id:uuid}/retry",
        operation_id="retryJob",
        **needs(TokenScope.EVENTS_WRITE),
        status_code=HTTP_202_ACCEPTED,
        responses=problems(401, 404, 409),
        summary="Run the missing sources of a partial job again",
    )
    async def retry(self, job_id: JobId, ctx: Ctx, google: Google) -> RetryQueued:
        """Retry a partial job's missing sources now; a job that is not partial is 409."""
        job = await get_job(job_id, actor_id=ctx.actor.id, is_admin=ctx.actor.is_admin, uow=ctx.uow)
        if job.status is not JobStatus.PARTIAL:
            raise Conflict(f"only a partial job can be retried; this one is {job.status.value}")
        task_id = await google.queue.run_job(job.id)
        return RetryQueued(job_id=str(job.id), task_id=task_id, retrying=[s.key for s in job.missing_sources])
