"""Watching notifications being delivered: worker processes, users' live channels, jobs, stored rows."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
from redis.asyncio import Redis
from saq.job import Job, Status
from saq.queue.redis import RedisQueue
from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.redis.notifications import channels_backend
from adapters.saq.queue import create_queue
from application.notifications.live_messages import ChannelMessage, user_channel
from entrypoints.settings import Settings
from entrypoints.worker.settings import build_worker, saq_config
from tests.support.waiting import wait_for


@contextlib.asynccontextmanager
async def in_process_worker(settings: Settings) -> AsyncIterator[None]:
    """A real SAQ worker on the servers `settings` name, in the test's event loop."""
    queue = create_queue(settings.redis.url or "")
    await queue.connect()
    running = build_worker(saq_config(settings, queue))
    task = asyncio.create_task(running.start())
    try:
        await workers_reporting(queue, 1, timeout=10)
        yield
    finally:
        await running.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await queue.disconnect()


@contextlib.contextmanager
def worker_process(settings: Settings, log: Path, *, processes: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    """`planner worker` as a subprocess on the test's servers; stopped (or found killed) on the way out."""
    env = {**os.environ, **settings.export()}
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "worker", "--processes", str(processes)],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and everything it started: no handler, no clean-up, jobs left running."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


async def workers_reporting(queue: RedisQueue, count: int, *, timeout: float = 60) -> None:
    """Wait until `count` workers report in on the queue."""

    async def enough() -> bool:
        return len((await queue.info())["workers"]) >= count

    await wait_for(enough, timeout=timeout, what=f"{count} worker(s) to report in")


async def finished_job(queue: RedisQueue, key: str, *, timeout: float) -> Job:
    """Wait until the job with this key completed (or failed), and answer it."""
    found: list[Job] = []

    async def done() -> bool:
        job = await queue.job(key)
        if job is not None and job.status in (Status.COMPLETE, Status.FAILED, Status.ABORTED):
            found.append(job)
            return True
        return False

    await wait_for(done, timeout=timeout, what=f"job {key} to finish")
    return found[0]


@dataclass
class Listener:
    """What was published on some users' live channels, decoded as the web processes decode it."""

    messages: list[tuple[str, ChannelMessage]] = field(default_factory=list)

    def notifications(self, kind: str | None = None) -> list[ChannelMessage]:
        return [
            message
            for _, message in self.messages
            if message.notification is not None and (kind is None or message.notification.type == kind)
        ]


@contextlib.asynccontextmanager
async def listening(redis_url: str, user_ids: Iterable[str | UUID]) -> AsyncIterator[Listener]:
    """Subscribe to the users' channels the way a web process does, for as long as the block runs."""
    client = Redis.from_url(redis_url)
    backend = channels_backend(client)
    await backend.subscribe([user_channel(UUID(str(user_id))) for user_id in user_ids])
    listener = Listener()

    async def collect() -> None:
        async for channel, data in backend.stream_events():
            listener.messages.append((channel, msgspec.json.decode(data, type=ChannelMessage)))

    collecting = asyncio.create_task(collect())
    try:
        yield listener
    finally:
        collecting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await collecting
        await backend.on_shutdown()
        await client.aclose()


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Row[Any]]:
    """Run a query on the test database and answer its rows."""
    async with engine.connect() as conn:
        return list(await conn.execute(text(sql), params))


async def notifications_of(engine: AsyncEngine, user_id: str | UUID, kind: str | None = None) -> list[Row[Any]]:
    """The user's stored notifications (of one type, if given), in `seq` order."""
    found = await rows(
        engine,
        "SELECT id, type, title, message, event_id, seq, dedupe_key FROM notifications "
        "WHERE user_id = :user_id ORDER BY seq",
        user_id=UUID(str(user_id)),
    )
    return [row for row in found if kind is None or row.type == kind]


async def all_processed(engine: AsyncEngine) -> bool:
    """Whether every outbox message was acted on."""
    (pending,) = await rows(engine, "SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL")
    return pending.n == 0
