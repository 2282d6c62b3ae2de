"""Jobs and Google sync as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from application.google_sync.queries import SyncStatus, calendar_health, last_synced
from domain.google_sync.write_back import WriteState
from domain.jobs.job import Job as DomainJob
from domain.jobs.job import JobSource as DomainJobSource

RETRY_INTERVAL_MINUTES = 5


class JobSource(msgspec.Struct):
    key: str
    label: str
    status: str
    error: str | None
    attempts: int
    loaded: int

    @classmethod
    def of(cls, source: DomainJobSource) -> JobSource:
        return cls(
            key=source.key,
            label=source.label,
            status=source.status.value,
            error=source.error,
            attempts=source.attempts,
            loaded=source.loaded,
        )


class Job(msgspec.Struct):
    id: str
    kind: str
    owner_id: str
    status: str
    progress: int
    sources: list[JobSource]
    error: str | None
    attempts: int
    first_failed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: DomainJob) -> Job:
        return cls(
            id=str(job.id),
            kind=job.kind.value,
            owner_id=str(job.owner_id),
            status=job.status.value,
            progress=job.progress,
            sources=[JobSource.of(source) for source in job.sources],
            error=job.error,
            attempts=job.attempts,
            first_failed_at=job.first_failed_at,
            created_at=job.created_at,
            updated_at=job.updated_at,
            finished_at=job.finished_at,
        )


class JobResult(msgspec.Struct):
    job_id: str
    status: str
    complete: bool
    result: dict[str, Any]
    sources: list[JobSource]


class MissingSources(msgspec.Struct):
    job_id: str
    items: list[JobSource]


class RetryStatus(msgspec.Struct):
    job_id: str
    status: str
    attempts: int
    missing: int
    first_failed_at: datetime | None
    retried_every_minutes: int
    gives_up_at: datetime | None
    """After this, a partial job is failed and its owner told."""
    will_retry: bool


class RetryQueued(msgspec.Struct):
    job_id: str
    task_id: str
    retrying: list[str]


class ConnectStarted(msgspec.Struct):
    authorization_url: str


class SyncStarted(msgspec.Struct):
    job_id: str
    job_url: str


class ChannelStatus(msgspec.Struct):
    id: str
    google_calendar_id: str
    resource_id: str
    expires_at: datetime
    last_message_number: int | None


class MirroredCalendarStatus(msgspec.Struct):
    google_calendar_id: str
    calendar_id: str
    name: str
    last_synced_at: datetime | None
    push: Literal["watched", "polled"]
    """watched: Google pushes its changes; polled: read every GOOGLE_POLL_MINUTES instead (see polled_because)."""
    polled_because: str | None
    channel_expires_at: datetime | None
    last_attempt_at: datetime | None
    """When its latest sync began; last_outcome says how it went (synced, deferred to a running sync, failed)."""
    last_outcome: str | None
    last_error: str | None
    watch_retry_at: datetime | None = None
    """For a calendar Google refused to watch: when planner asks Google again (a day, then doubling to a week)."""


class WebhookStatus(msgspec.Struct):
    user_id: str
    connected: bool
    connection_status: str | None
    broken_reason: str | None
    last_sync: datetime | None
    calendars: list[MirroredCalendarStatus]
    channels: list[ChannelStatus]
    pending_writes: int
    """Write-back: the person's planner events waiting to be written to Google (Google unreachable, or queued)."""
    refused_writes: int
    """Write-back: the person's planner events whose last write Google refused (retried with a growing wait)."""

    @classmethod
    def of(cls, user_id: str, status: SyncStatus, now: datetime) -> WebhookStatus:
        account = status.account
        return cls(
            user_id=user_id,
            connected=account is not None and account.usable,
            connection_status=None if account is None else account.status.value,
            broken_reason=None if account is None else account.broken_reason,
            last_sync=last_synced(status),
            calendars=[
                MirroredCalendarStatus(
                    google_calendar_id=h.calendar.google_calendar_id,
                    calendar_id=str(h.calendar.calendar_id),
                    name=h.calendar.name,
                    last_synced_at=h.calendar.last_synced_at,
                    push="watched" if h.watched else "polled",
                    polled_because=h.polled_because,
                    channel_expires_at=h.channel_expires_at,
                    last_attempt_at=h.calendar.last_attempt_at,
                    last_outcome=None if h.calendar.last_outcome is None else h.calendar.last_outcome.value,
                    last_error=h.calendar.last_error,
                    watch_retry_at=h.calendar.watch_retry_at,
                )
                for h in calendar_health(status, now)
            ],
            channels=[
                ChannelStatus(
                    id=c.id,
                    google_calendar_id=c.google_calendar_id,
                    resource_id=c.resource_id,
                    expires_at=c.expires_at,
                    last_message_number=c.last_message_number,
                )
                for c in status.channels
            ],
            pending_writes=status.writes_not_done.get(WriteState.PENDING, 0),
            refused_writes=status.writes_not_done.get(WriteState.REFUSED, 0),
        )


class TaskQueued(msgspec.Struct):
    task_id: str
    status_url: str


class PushAnswer(msgspec.Struct):
    status: str
    detail: str
    task_id: str | None = None


class TaskError(msgspec.Struct):
    """Why a task failed, for its owner: a code and a sentence, never the worker's traceback."""

    code: str
    message: str


_TASK_ERRORS = {
    "failed": TaskError(code="task_failed", message="The task failed; the details are in the worker's log."),
    "aborted": TaskError(code="task_aborted", message="The task was stopped before it finished."),
    "aborting": TaskError(code="task_aborted", message="The task was stopped before it finished."),
}
_TASK_RETRYING = TaskError(code="task_retrying", message="An attempt failed; the task will be tried again.")


def task_error(status: str, error: str | None) -> TaskError | None:
    """What a caller may know of a task's error: SAQ keeps a traceback, which can name internals."""
    if status in _TASK_ERRORS:
        return _TASK_ERRORS[status]
    return _TASK_RETRYING if error else None


class TaskStatus(msgspec.Struct):
    task_id: str
    status: str
    attempts: int
    result: Any | None
    error: TaskError | None
