"""SAQ configured in one place: the queue, its tasks and cron jobs, and the worker's context."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import structlog
from litestar_saq import QueueConfig, SAQConfig, Worker
from litestar_saq.base import CronJob
from saq.queue.redis import RedisQueue
from saq.types import Context, PartialTimersDict

from entrypoints.bootstrap import QUEUE_NAME, Container, bootstrap
from entrypoints.bootstrap.heap import settle_heap
from entrypoints.bootstrap.tracing import tracing_for
from entrypoints.guards import admins_only
from entrypoints.settings import Settings
from entrypoints.telemetry.jobs import job_finished, job_started
from entrypoints.worker import tasks
from entrypoints.worker.calendar_file_tasks import import_calendar_file
from entrypoints.worker.context import WorkerRun, keep_run, run_of
from entrypoints.worker.google_tasks import (
    refresh_google_calendars,
    renew_google_channels,
    retry_partial_jobs,
    run_google_job,
    sync_due_google_calendars,
    sync_google_calendar,
    watch_google_calendars,
)
from entrypoints.worker.google_write_tasks import retry_google_writes, write_event_to_google
from entrypoints.worker.heartbeat import beating
from entrypoints.worker.limits import RecyclingLimits
from entrypoints.worker.notification_tasks import (
    create_notification,
    notify_event_cancelled,
    notify_event_invited,
    notify_event_updated,
    notify_participant_response,
    send_email,
    send_scheduled_reminders,
    share_due_reminders,
)
from entrypoints.worker.outbox_tasks import dispatch_outbox_message, sweep_outbox
from entrypoints.worker.series_tasks import extend_occurrence_horizons, plan_series_reminders
from entrypoints.worker.webhook_tasks import prune_webhook_deliveries, send_due_webhooks, send_webhook_deliveries

log = structlog.get_logger(__name__)

TASKS: list[Any] = [
    tasks.ping,
    dispatch_outbox_message,
    notify_event_invited,
    notify_event_updated,
    notify_event_cancelled,
    notify_participant_response,
    create_notification,
    send_email,
    send_scheduled_reminders,
    share_due_reminders,
    plan_series_reminders,
    extend_occurrence_horizons,
    sweep_outbox,
    run_google_job,
    sync_google_calendar,
    watch_google_calendars,
    renew_google_channels,
    retry_partial_jobs,
    sync_due_google_calendars,
    refresh_google_calendars,
    import_calendar_file,
    send_webhook_deliveries,
    send_due_webhooks,
    prune_webhook_deliveries,
    write_event_to_google,
    retry_google_writes,
]
CRON_JOBS: list[CronJob] = [
    # Unique by default: with several workers, one run per minute is queued, and SKIP LOCKED shares it out.
    CronJob(function=send_scheduled_reminders, cron="* * * * *", timeout=55, retries=1),
    CronJob(function=sweep_outbox, cron="* * * * *", timeout=55, retries=1),
    # Series' reminders are planned a window ahead (REMINDER_LOOKAHEAD, days): hourly keeps it rolling.
    CronJob(function=plan_series_reminders, cron="7 * * * *", timeout=600, retries=1),
    # Endless series hold their rooms over OCCURRENCE_HORIZON_DAYS: each day reaches one day further.
    CronJob(function=extend_occurrence_horizons, cron="23 3 * * *", timeout=3000, retries=1),
    CronJob(function=retry_partial_jobs, cron="*/5 * * * *", timeout=290, retries=1),
    CronJob(function=renew_google_channels, cron="17 * * * *", timeout=600, retries=1),
    CronJob(function=retry_google_writes, cron="*/5 * * * *", timeout=290, retries=1),
    # Polled calendars (GOOGLE_POLL_MINUTES), the safety-net sync (GOOGLE_SAFETY_SYNC_HOURS), calendar lists:
    # each minute queues those due (SAQ keys keep one queued sync per calendar).
    CronJob(function=sync_due_google_calendars, cron="* * * * *", timeout=55, retries=1),
    # Webhook retries have jobs of their own; the sweep sends what came due without one.
    CronJob(function=send_due_webhooks, cron="* * * * *", timeout=55, retries=1),
    CronJob(function=prune_webhook_deliveries, cron="41 * * * *", timeout=600, retries=1),
]
STUCK_JOB_SWEEP_S = 5
"""How often a worker looks for jobs left running by a worker that died (retried past their timeout or heartbeat)."""
DEQUEUE_WAIT_S = 1
"""How long an idle job slot waits on the queue at a time: a stopping worker's idle slots end within this."""
STOP_GRACE_S = 50
"""How long a stopping worker lets its running jobs finish; longer ones are cancelled and handed back for a retry.
(compose.yaml gives the worker 60 s between SIGTERM and SIGKILL.)"""
UPKEEP_S = 5
"""SAQ's upkeep (worker info, sweep) runs this often; a stopping worker waits out the current round (at most this)."""


def saq_config(
    settings: Settings,
    queue: RedisQueue,
    *,
    build_container: Callable[[Settings], Container] = bootstrap,
    recycling: RecyclingLimits | None = None,
    extra_tasks: Sequence[Any] = (),
) -> SAQConfig:
    """The SAQ config shared by the web app (monitor, enqueueing) and the worker processes.

    A worker builds its container at start-up with `build_container` (a test may hand in one that swaps adapters).
    A supervised worker process (`planner worker`) hands in its `recycling` limits; tests may add `extra_tasks`.
    """

    async def startup(ctx: Context) -> None:
        tracing_for(settings, role="worker")  # before the container: its engine is traced when it is made
        container = build_container(settings)
        # Every commit's outbox messages are handed to the queue by the workers, woken by PostgreSQL.
        relay = asyncio.create_task(container.outbox_relay().run(), name="outbox-relay")
        keep_run(ctx, WorkerRun(container=container, relay=relay))
        if recycling is not None:  # a worker process of its own (entrypoints/worker/processes.py), not a test's
            settle_heap()
        log.info("worker.started", queue=QUEUE_NAME)

    async def shutdown(ctx: Context) -> None:
        run = run_of(ctx)
        if run is not None:
            run.relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await run.relay
            await run.container.close()
        log.info("worker.stopped", queue=QUEUE_NAME)

    async def before_process(ctx: Context) -> None:
        job = ctx.get("job")
        structlog.contextvars.clear_contextvars()
        if job is not None:
            structlog.contextvars.bind_contextvars(job_id=job.id, task=job.function)
        job_started(ctx)

    async def after_process(ctx: Context) -> None:
        job_finished(ctx)
        structlog.contextvars.clear_contextvars()
        if recycling is not None:
            await recycling.after_job(ctx)

    return SAQConfig(
        queue_instances={QUEUE_NAME: queue},
        queue_configs=[
            QueueConfig(
                broker_instance=queue.redis,
                name=QUEUE_NAME,
                tasks=[beating(task) for task in [*TASKS, *extra_tasks]],
                scheduled_tasks=[
                    replace(cron, function=beating(cron.function)) if callable(cron.function) else cron
                    for cron in CRON_JOBS
                ],
                startup=startup,
                shutdown=shutdown,
                before_process=before_process,
                after_process=after_process,
                concurrency=settings.worker.concurrency,
                dequeue_timeout=DEQUEUE_WAIT_S,
                # The sweep more often than SAQ's 60 s, so jobs of a dead worker are retried within seconds.
                timers=PartialTimersDict(schedule=1, worker_info=UPKEEP_S, sweep=STUCK_JOB_SWEEP_S, abort=1),
                shutdown_grace_period_s=STOP_GRACE_S,
            )
        ],
        web_enabled=True,
        web_path="/saq",
        web_guards=[admins_only],
        use_server_lifespan=False,
    )


def build_worker(config: SAQConfig) -> Worker:
    """A worker for the one queue, built from the same config the web app uses."""
    from litestar_saq import SAQPlugin

    worker = SAQPlugin(config).get_workers()[QUEUE_NAME]
    worker.SIGNALS = []  # the CLI owns signal handling, so shutdown happens in a known order
    return worker
