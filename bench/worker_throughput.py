"""Notifications created per second by SAQ worker processes: `create_notification` jobs, counted in PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import random
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from redis.exceptions import RedisError
from saq.queue.redis import RedisQueue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.saq.notifications import enqueue_notification
from bench.errors import BenchmarkFailed
from bench.notification_source import bench_draft
from bench.processes import background_process

ENQUEUE_CONCURRENCY = 200
WORKERS_START_TIMEOUT_S = 60.0
STALLED_AFTER_S = 30.0  # no new notification for this long: the workers are not getting anywhere
POLL_S = 0.1


@dataclass(frozen=True)
class Throughput:
    jobs: int
    stored: int
    seconds: float  # from the first job enqueued to the last notification stored (or to giving up)
    enqueue_seconds: float
    left_in_queue: int  # queued or running jobs when it gave up; 0 when all were stored

    @property
    def rate(self) -> float:
        return self.stored / self.seconds if self.seconds else 0.0


@contextlib.contextmanager
def worker_processes(env: dict[str, str], log: Path, processes: int) -> Iterator[subprocess.Popen[bytes]]:
    """`planner worker --processes N` as production runs it; stopped with its process group."""
    command = [sys.executable, "-m", "entrypoints.cli", "worker", "--processes", str(processes)]
    with background_process(command, env=env, log=log) as process:
        yield process


async def workers_reporting(queue: RedisQueue, count: int) -> None:
    """Wait until `count` workers report in on the queue."""
    deadline = time.monotonic() + WORKERS_START_TIMEOUT_S
    while time.monotonic() < deadline:
        with contextlib.suppress(RedisError):
            if len((await queue.info())["workers"]) >= count:
                return
        await asyncio.sleep(0.2)
    raise BenchmarkFailed(f"{count} SAQ workers did not report in within {WORKERS_START_TIMEOUT_S:.0f} s")


async def stored_count(engine: AsyncEngine, key_prefix: str) -> int:
    async with engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT count(*) FROM notifications WHERE dedupe_key LIKE :prefix"), {"prefix": f"{key_prefix}%"}
        )
    return int(found or 0)


async def measure_throughput(
    queue: RedisQueue, engine: AsyncEngine, user_ids: Sequence[str], *, jobs: int, tag: str
) -> Throughput:
    """Enqueue `jobs` create_notification jobs for random users, as fast as Redis takes them, and time
    until every notification is stored (the workers must be running already)."""
    rng = random.Random(6)
    prefix = f"bench-{tag}:worker:"
    drafts = [bench_draft(rng.choice(user_ids), f"{prefix}{n}") for n in range(jobs)]
    gate = asyncio.Semaphore(ENQUEUE_CONCURRENCY)

    async def enqueue(n: int) -> None:
        async with gate:
            if not await enqueue_notification(queue, drafts[n]):
                raise BenchmarkFailed(f"job {drafts[n].dedupe_key} was refused as a duplicate")

    started = time.perf_counter()
    await asyncio.gather(*(enqueue(n) for n in range(jobs)))
    enqueued = time.perf_counter() - started
    stored, last_progress, progress_at = 0, 0, time.perf_counter()
    while stored < jobs and time.perf_counter() - progress_at < STALLED_AFTER_S:
        await asyncio.sleep(POLL_S)
        stored = await stored_count(engine, prefix)
        if stored > last_progress:
            last_progress, progress_at = stored, time.perf_counter()
    left = 0 if stored >= jobs else await _unfinished(queue)
    return Throughput(jobs, stored, progress_at - started, enqueued, left)


async def _unfinished(queue: RedisQueue) -> int:
    with contextlib.suppress(RedisError):
        info = await queue.info()
        return int(info.get("queued", 0)) + int(info.get("active", 0))
    return -1
