"""What the worker notes around every SAQ job: its queue wait, run time and outcome, and its trace span.

Called from SAQ's before_process/after_process hooks (entrypoints/worker/settings.py), which run in
the same asyncio task around the job, so the span started before is current while the job runs and
its SQL and Redis spans are its children.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from typing import Any

from saq.job import Status
from saq.types import Context

from entrypoints.bootstrap.tracing import TRACE_KEY, job_span
from entrypoints.telemetry.series import GOOGLE_SYNCS, JOB_DURATION, JOB_WAIT, JOBS, REMINDERS_SENT

GOOGLE_SYNC_TASKS = frozenset({"sync_google_calendar", "run_google_job"})
REMINDER_TASKS = frozenset({"send_scheduled_reminders", "share_due_reminders"})
"""The jobs that send due reminders: the minute's cron run and those sharing a burst with it."""
_SPAN_KEY = "planner_span"


def job_started(ctx: Context) -> None:
    """Note how long the job waited, and start its span (continuing the trace of the request behind it)."""
    job = ctx.get("job")
    if job is None:
        return
    due_ms = max(job.queued, job.scheduled * 1000)
    if due_ms and job.started >= due_ms:
        JOB_WAIT.labels(task=job.function).observe((job.started - due_ms) / 1000)
    span = job_span(job.function, job.meta.get(TRACE_KEY))
    if span is not None:
        span.__enter__()
        ctx[_SPAN_KEY] = span  # type: ignore[literal-required]


def job_finished(ctx: Context) -> None:
    """Count the job by outcome, note its run time and what it sent; end its span."""
    job = ctx.get("job")
    if job is None:
        return
    task = job.function
    outcome = "complete" if job.status == Status.COMPLETE else "failed"
    JOBS.labels(task=task, outcome=outcome).inc()
    if job.started:
        JOB_DURATION.labels(task=task).observe(max(time.time() * 1000 - job.started, 0) / 1000)
    if task in REMINDER_TASKS and isinstance(job.result, dict):
        REMINDERS_SENT.inc(int(job.result.get("sent", 0)))
    if task in GOOGLE_SYNC_TASKS:
        GOOGLE_SYNCS.labels(outcome=outcome).inc()
    span: AbstractContextManager[Any] | None = ctx.pop(_SPAN_KEY, None)  # type: ignore[misc]
    if span is not None:
        error = ctx.get("exception")
        if error is not None:
            span.__exit__(type(error), error, error.__traceback__)
        else:
            span.__exit__(None, None, None)
