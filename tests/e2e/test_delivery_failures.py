"""Nothing committed is left untold: not when a worker is killed mid-task, not when Redis is down at commit."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

import pytest
from litestar.testing import AsyncTestClient
from saq.job import Status
from saq.queue.redis import RedisQueue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.embedded.redis import EmbeddedRedis
from adapters.saq.outbox import outbox_job_key
from adapters.saq.queue import create_queue
from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.delivery import (
    all_processed,
    finished_job,
    in_process_worker,
    kill_hard,
    notifications_of,
    rows,
    worker_process,
)
from tests.e2e.people import at, sign_up
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[RedisQueue]:
    queue = create_queue(settings.redis.url or "")
    yield queue
    await queue.disconnect()


@contextlib.asynccontextmanager
async def holding_the_notification_counter_of(engine: AsyncEngine, user_id: str) -> AsyncIterator[None]:
    """Lock the user's notification counter, so a task storing a notification for them waits mid-transaction."""
    async with engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO notification_counters (user_id, last_seq) VALUES (:id, 0) ON CONFLICT DO NOTHING"),
            {"id": UUID(user_id)},
        )
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await conn.execute(
            text("SELECT last_seq FROM notification_counters WHERE user_id = :id FOR UPDATE"), {"id": UUID(user_id)}
        )
        try:
            yield
        finally:
            await transaction.rollback()


async def test_a_worker_killed_mid_task_is_retried_and_tells_exactly_once(
    client: AsyncTestClient,  # type: ignore[type-arg]
    settings: Settings,
    engine: AsyncEngine,
    queue: RedisQueue,
    tmp_path: Path,
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    async with holding_the_notification_counter_of(engine, bob.id):
        created = await ada.post(
            "/api/events",
            json={"title": "Planning", "starts_at": at(10), "ends_at": at(11), "participants": [bob.email]},
        )
        assert created.status_code == 201, created.text
        (invited,) = await rows(engine, "SELECT id FROM outbox WHERE name = 'participant_invited'")
        job_key = outbox_job_key(invited.id)

        with worker_process(settings, tmp_path / "killed-worker.log") as doomed:

            async def stuck_mid_task() -> bool:
                job = await queue.job(job_key)
                return job is not None and job.status is Status.ACTIVE and await _waits_for_a_lock(engine)

            await wait_for(stuck_mid_task, timeout=60, what="the worker to be in the middle of the invitation")
            kill_hard(doomed)
    assert (await queue.job(job_key)).status is Status.ACTIVE  # type: ignore[union-attr]

    async with in_process_worker(settings):
        job = await finished_job(queue, job_key, timeout=60)
        await wait_for(lambda: all_processed(engine), timeout=20, what="every outbox message to be processed")

    assert job.status is Status.COMPLETE
    assert job.attempts >= 2, "the job was taken up again after its worker died"
    invitations = await notifications_of(engine, bob.id)
    assert [(row.type, row.seq) for row in invitations] == [("event_invited", 1)]


async def test_an_event_created_while_redis_is_down_is_told_once_redis_is_back(
    settings: Settings, engine: AsyncEngine, tmp_path: Path
) -> None:
    own_redis = EmbeddedRedis(tmp_path)
    redis_url = own_redis.start()
    own_settings = settings.with_servers(settings.database.url or "", redis_url)
    try:
        app = create_app(own_settings, configure_logs=False)
        async with AsyncTestClient(app=app) as client:
            ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
            own_redis.stop()

            created = await ada.post(
                "/api/events",
                json={"title": "Planning", "starts_at": at(10), "ends_at": at(11), "participants": [bob.email]},
            )

        assert created.status_code == 201, created.text
        pending = await rows(engine, "SELECT name FROM outbox WHERE processed_at IS NULL ORDER BY id")
        # (the sign-ups' messages too: no worker has run yet)
        assert [row.name for row in pending][-2:] == ["event_created", "participant_invited"]

        assert own_redis.start() == redis_url
        async with in_process_worker(own_settings):
            # A worker's relay hands over whatever waits as soon as it listens.
            await wait_for(lambda: all_processed(engine), timeout=20, what="the waiting messages to be processed")

        invitations = await notifications_of(engine, bob.id)
        assert [(row.type, str(row.event_id)) for row in invitations] == [("event_invited", created.json()["id"])]
    finally:
        own_redis.stop()


async def _waits_for_a_lock(engine: AsyncEngine) -> bool:
    (waiting,) = await rows(
        engine,
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    return bool(waiting.n)
