"""Job heartbeats: a job whose worker process died is taken up again within seconds, whatever its timeout.

SAQ's sweep retries an active job once it is past its `timeout`, or past its `heartbeat` without being
touched. Most of our jobs have a timeout of seconds, which already bounds how long a killed worker's job
waits; a Google sync may run for an hour, an import for ten minutes. Those get a heartbeat: while they run,
the job is touched every third of it, so a job nobody touches for JOB_HEARTBEAT_S has lost its worker.

The touching happens inside the job's own task and stops before the task returns, so it can never write
the job back after SAQ recorded it finished (a touch from elsewhere could, and would resurrect it as active).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from saq.types import Context

log = structlog.get_logger(__name__)

JOB_HEARTBEAT_S = 15
"""A running job untouched this long (and past the sweep's next run) is retried on another worker."""

Task = Callable[..., Awaitable[Any]]


def needs_heartbeat(timeout: int, heartbeat: int) -> int:
    """The heartbeat to give a job with this timeout and heartbeat: 0 when its timeout is bound enough."""
    if heartbeat:
        return heartbeat
    return 0 if 0 < timeout <= JOB_HEARTBEAT_S else JOB_HEARTBEAT_S


def beating(task: Task) -> Task:
    """The task, touching its job while it runs when the job's timeout alone would leave it stranded too long."""

    @functools.wraps(task)
    async def run(ctx: Context, **kwargs: Any) -> Any:
        job = ctx.get("job")
        heartbeat = 0 if job is None else needs_heartbeat(job.timeout, job.heartbeat)
        if job is None or not heartbeat:
            return await task(ctx, **kwargs)
        if job.heartbeat != heartbeat:
            job.heartbeat = heartbeat
            await job.update()  # from now on the sweep knows a silent job is an orphan
        done = asyncio.Event()
        touching = asyncio.create_task(_touch(job, heartbeat / 3, done), name=f"heartbeat:{job.id}")
        try:
            return await task(ctx, **kwargs)
        finally:
            done.set()  # let a touch in flight land before the job's result is written
            with contextlib.suppress(Exception):
                await asyncio.shield(touching)

    return run


async def _touch(job: Any, every_s: float, done: asyncio.Event) -> None:
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=every_s)
            return
        try:
            await job.update()
        except Exception as exc:  # noqa: BLE001 - a missed touch is retried at the next one
            log.warning("job.heartbeat_failed", job_id=job.id, error=repr(exc))
