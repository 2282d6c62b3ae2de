"""Worker processes under `planner worker`'s supervisor: recycled at their limits, stopped gracefully, and losing
no job when killed. Real processes on the test's PostgreSQL and Redis, with test-only tasks
(tests/e2e/limits_worker)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]
import pytest
from saq.job import Job, Status
from saq.queue.redis import RedisQueue

from adapters.saq.queue import create_queue
from entrypoints.settings import AppEnv, Settings, WorkerSettings
from entrypoints.worker.heartbeat import JOB_HEARTBEAT_S
from entrypoints.worker.processes import WorkerProcesses
from entrypoints.worker.settings import STUCK_JOB_SWEEP_S
from tests.e2e.limits_worker.crashing import die_at_start
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

STARTING_S = 60
"""Long enough for a fresh worker process to import planner and report in on a busy machine."""


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[RedisQueue]:
    queue = create_queue(settings.redis.url or "")
    await queue.connect()
    yield queue
    await queue.disconnect()


@contextlib.contextmanager
def supervisor(settings: Settings, log: Path, *, processes: int = 1, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """The worker supervisor (as `planner worker --processes N`, plus the test tasks) with these settings.

    One job at a time per process, the production default (the suite's in-process worker takes 20), unless
    `env` says otherwise.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.limits_worker", "--processes", str(processes)],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env={**os.environ, **settings.export(), "LOG_LEVEL": "INFO", "WORKER_CONCURRENCY": "1", **env},
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


async def enqueue(queue: RedisQueue, function: str, count: int, **options: Any) -> list[str]:
    keys = []
    for _ in range(count):
        job = await queue.enqueue(function, **options)
        assert job is not None
        keys.append(job.key)
    return keys


async def finished(queue: RedisQueue, keys: list[str], *, timeout: float) -> list[Job]:
    """Wait until every job is complete, failed or aborted; answer them in the order they were queued."""
    found: list[Job] = []

    async def all_done() -> bool:
        jobs = await queue.jobs(keys)
        if all(job is not None and job.status in (Status.COMPLETE, Status.FAILED, Status.ABORTED) for job in jobs):
            found[:] = [job for job in jobs if job is not None]
            return True
        return False

    await wait_for(all_done, timeout=timeout, what=f"{len(keys)} jobs to finish")
    return found


async def running(queue: RedisQueue, key: str, *, timeout: float) -> int:
    """Wait until the job runs; answer the pid of the process running it."""
    pid: list[int] = []

    async def started() -> bool:
        job, took = await queue.job(key), await queue.redis.get(f"took:{key}")
        if job is not None and job.status is Status.ACTIVE and took is not None:
            pid.append(int(took))
            return True
        return False

    await wait_for(started, timeout=timeout, what=f"job {key} to be running")
    return pid[0]


async def test_a_leaking_task_gets_its_process_recycled_near_the_memory_limit_and_the_queue_keeps_draining(
    settings: Settings, queue: RedisQueue, tmp_path: Path
) -> None:
    limit = WorkerSettings().max_memory_mb  # the default, 200 MB: a fresh worker process takes about 110
    keys = await enqueue(queue, "leak_a_megabyte", 240)

    with supervisor(settings, tmp_path / "worker.log", WORKER_MAX_MEMORY_MB=str(limit)):
        jobs = await finished(queue, keys, timeout=360)

    assert [job.status for job in jobs] == [Status.COMPLETE] * len(keys), "every job ran to completion"
    by_process: dict[int, list[float]] = {}
    for job in sorted(jobs, key=lambda job: job.completed):
        by_process.setdefault(job.result["pid"], []).append(job.result["rss_mb"])
    assert len(by_process) >= 2, f"a process was recycled: {[len(v) for v in by_process.values()]} jobs per process"
    *recycled, last = by_process.values()
    for rss in recycled:
        # Each recycled process took jobs while under the limit, and none after the first that took it past.
        assert all(mb <= limit for mb in rss[:-1]), rss
        assert limit < rss[-1] < limit + 5, f"recycled at {rss[-1]:.0f} MB, the limit being {limit} MB"
    assert max(last) <= limit + 5


async def test_a_process_is_replaced_after_max_tasks_and_every_job_runs_once(
    settings: Settings, queue: RedisQueue, tmp_path: Path
) -> None:
    keys = await enqueue(queue, "answer", 12)

    with supervisor(settings, tmp_path / "worker.log", WORKER_MAX_TASKS="5"):
        jobs = await finished(queue, keys, timeout=300)

    assert [job.status for job in jobs] == [Status.COMPLETE] * 12
    assert [job.attempts for job in jobs] == [1] * 12, "no job ran twice"
    per_process = Counter(job.result["pid"] for job in jobs)
    # Five jobs a process (fewer when a cron job, which counts too, took a turn), then a fresh process.
    assert max(per_process.values()) <= 5, per_process
    assert len(per_process) >= 3, per_process


async def test_a_process_killed_mid_job_loses_no_job(settings: Settings, queue: RedisQueue, tmp_path: Path) -> None:
    # An hour-long timeout: only the job's heartbeat can tell that its process is gone.
    (key,) = await enqueue(queue, "take_time", 1, seconds=3600, timeout=3600, retries=3)

    with supervisor(settings, tmp_path / "worker.log") as process:
        doomed = await running(queue, key, timeout=STARTING_S)
        os.kill(doomed, signal.SIGKILL)
        killed_at = time.monotonic()
        bound = JOB_HEARTBEAT_S + 2 * STUCK_JOB_SWEEP_S + 5 + STARTING_S  # + the sweep's wait on an abort
        (job,) = await finished(queue, [key], timeout=bound)
        retried_after = time.monotonic() - killed_at
        assert process.poll() is None, "the supervisor outlives its processes"

    assert job.status is Status.COMPLETE
    assert job.attempts == 2, "taken up again once, by another process"
    assert job.result["pid"] != doomed
    assert retried_after >= JOB_HEARTBEAT_S * 2 / 3, "retried once its heartbeat stopped, not before"


async def test_sigterm_lets_the_running_job_finish_before_the_supervisor_exits(
    settings: Settings, queue: RedisQueue, tmp_path: Path
) -> None:
    (key,) = await enqueue(queue, "take_time", 1, seconds=4, timeout=60, retries=3)

    with supervisor(settings, tmp_path / "worker.log", WORKER_CONCURRENCY="1") as process:
        worker_pid = await running(queue, key, timeout=STARTING_S)
        process.send_signal(signal.SIGTERM)
        signalled = time.time()
        assert process.wait(60) == 0
        exited = time.time()

    job = await queue.job(key)
    assert job is not None
    assert job.status is Status.COMPLETE, "the job finished instead of being cancelled"
    assert job.attempts == 1
    assert signalled < job.completed / 1000 <= exited, "it finished after the signal and before the exit"
    assert not psutil.pid_exists(worker_pid) or psutil.Process(worker_pid).status() == psutil.STATUS_ZOMBIE


async def test_a_process_that_keeps_dying_at_start_is_restarted_ever_more_slowly() -> None:
    processes = WorkerProcesses(Settings(env=AppEnv.TEST), 1, target=die_at_start)
    processes.start()
    supervising = threading.Thread(target=processes.supervise)
    supervising.start()

    async def restarted_twice() -> bool:
        return processes.starts >= 3

    try:
        await wait_for(restarted_twice, timeout=STARTING_S, what="two restarts")
        await asyncio.sleep(3)  # the third one dies at once too, and waits 4 s for its restart
        assert processes.starts == 3, "restarted after 1 s, 2 s, then 4 s: not at once"
    finally:
        processes.request_stop()
        supervising.join(10)
        assert processes.stop() in (0, 3)
