"""From the outbox to SAQ: by the relay a commit wakes, and by the sweeper when that failed or the job was lost."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.postgres.outbox.progress import OutboxProgress
from adapters.postgres.outbox.relay import OutboxRelay
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.saq.outbox import OutboxHandOver, outbox_job_key
from adapters.saq.queue import create_queue
from application.handlers import act_on_outbox_message
from tests.fakes.notifications import RecordingPublisher
from tests.integration.notifications.conftest import execute
from tests.integration.scheduling.office import PostgresOffice
from tests.support.waiting import wait_for

NOW = timedelta(0)


@contextlib.asynccontextmanager
async def relaying(engine: AsyncEngine, hand_over: OutboxHandOver) -> AsyncIterator[list[int]]:
    """The worker's relay, running; yields how many messages each of its hand-overs took."""
    rounds: list[int] = []

    async def relay_round() -> None:
        rounds.append(await hand_over.sweep(unsent_for=NOW))

    task = asyncio.create_task(OutboxRelay(engine, relay_round, retry_s=0.1).run())
    try:
        await wait_for(lambda: _true(bool(rounds)), timeout=5, what="the relay's first hand-over")
        yield rounds
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _true(value: bool) -> bool:
    return value


def handed_over(office: PostgresOffice, queue: RedisQueue) -> Callable[[], Awaitable[bool]]:
    """Whether every outbox message is queued and noted as handed over (its hand-over committed)."""

    async def condition() -> bool:
        outbox = await office.outbox()
        noted = all(row.enqueued_at is not None for row in outbox)
        return noted and all([await queue.job(outbox_job_key(row.id)) is not None for row in outbox])

    return condition


async def test_each_committed_message_becomes_one_job_keyed_by_its_outbox_id(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession], direct_engine: AsyncEngine
) -> None:
    async with relaying(direct_engine, OutboxHandOver(queue, OutboxProgress(sessions))):
        ada, bob = await office.person(), await office.person()
        await office.event(ada, participants=[bob.email])

        await wait_for(handed_over(office, queue), timeout=5, what="the relay to hand the commits over")

    jobs = [(row, await queue.job(outbox_job_key(row.id))) for row in await office.outbox()]
    assert {row.name: job.function for row, job in jobs if job} == {
        "user_registered": "dispatch_outbox_message",
        "calendar_created": "dispatch_outbox_message",
        "event_created": "dispatch_outbox_message",
        "participant_invited": "notify_event_invited",
    }
    assert all(job is not None and job.kwargs == {"outbox_id": row.id} and job.retries == 5 for row, job in jobs)
    assert all(row.enqueued_at is not None and row.attempts == 1 for row, _ in jobs)


async def test_the_relay_hands_over_what_was_committed_while_nobody_listened(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession], direct_engine: AsyncEngine
) -> None:
    await office.person()

    async with relaying(direct_engine, OutboxHandOver(queue, OutboxProgress(sessions))) as rounds:
        assert rounds[0] == 2, "its first round, on connecting, takes what is waiting"

    assert await queue.count("queued") == 2


async def test_the_relay_listens_again_after_losing_its_connection(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession], direct_engine: AsyncEngine
) -> None:
    async with relaying(direct_engine, OutboxHandOver(queue, OutboxProgress(sessions))) as rounds:
        await execute(
            sessions,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
        )
        await wait_for(lambda: _true(len(rounds) >= 2), timeout=5, what="the relay to connect again")
        await office.person()
        await wait_for(handed_over(office, queue), timeout=5, what="the relay to hand the commit over")


async def test_a_commit_stands_when_redis_is_down_and_the_relay_hands_it_over_once_redis_is_back(
    office: PostgresOffice,
    queue: RedisQueue,
    sessions: async_sessionmaker[AsyncSession],
    direct_engine: AsyncEngine,
    tmp_path: Path,
) -> None:
    progress = OutboxProgress(sessions)
    nowhere = create_queue(f"unix://{tmp_path}/no-redis.sock?db=0")
    redis = {"queue": nowhere}

    async def hand_over() -> None:
        await OutboxHandOver(redis["queue"], progress).sweep(unsent_for=NOW)

    task = asyncio.create_task(OutboxRelay(direct_engine, hand_over, retry_s=0.1).run())
    try:
        ada = await office.person()
        assert [row.id for row in await office.rows("SELECT id FROM users")] == [ada.id]
        assert [row.enqueued_at for row in await office.outbox()] == [None, None]

        redis["queue"] = queue  # Redis is back: the relay's retry hands the messages over, unnotified
        await wait_for(handed_over(office, queue), timeout=5, what="the relay to retry")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await nowhere.redis.aclose()
    assert await queue.count("queued") == 2


async def test_a_message_a_worker_acted_on_is_never_handed_over_again(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await office.person()
    await execute(sessions, "UPDATE outbox SET processed_at = now()")

    assert await OutboxHandOver(queue, OutboxProgress(sessions)).sweep(unsent_for=NOW) == 0


async def test_handing_a_message_over_twice_queues_one_job(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await office.person()
    hand_over = OutboxHandOver(queue, OutboxProgress(sessions))

    assert await hand_over.sweep(unsent_for=NOW) == 2
    await execute(sessions, "UPDATE outbox SET enqueued_at = NULL")
    assert await hand_over.sweep(unsent_for=NOW) == 2

    assert await queue.count("queued") == 2
    assert [row.attempts for row in await office.outbox()] == [2, 2]


async def test_a_message_handed_over_long_ago_but_never_processed_is_handed_over_again(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await office.person()
    await execute(
        sessions,
        "UPDATE outbox SET enqueued_at = now() - interval '1 hour', attempts = 1, "
        "processed_at = CASE WHEN name = 'calendar_created' THEN now() END",
    )
    sweeper = OutboxHandOver(queue, OutboxProgress(sessions))

    assert await sweeper.sweep() == 1

    (job_key,) = [outbox_job_key(row.id) for row in await office.outbox() if row.name == "user_registered"]
    assert await queue.job(job_key) is not None


async def test_acting_on_a_message_twice_tells_once_and_marks_it_processed(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada, bob = await office.person(), await office.person()
    await office.event(ada, participants=[bob.email])
    publisher = RecordingPublisher()
    progress = OutboxProgress(sessions)
    (invited,) = [row.id for row in await office.outbox() if row.name == "participant_invited"]

    def unit_of_work() -> PostgresUnitOfWork:
        return PostgresUnitOfWork(sessions)

    first = await act_on_outbox_message(invited, outbox=progress, unit_of_work=unit_of_work, publisher=publisher)
    again = await act_on_outbox_message(invited, outbox=progress, unit_of_work=unit_of_work, publisher=publisher)

    assert (first["status"], first["notified"], again["status"]) == ("processed", 1, "already_processed")
    notifications = await office.rows("SELECT user_id, type, seq FROM notifications")
    assert [tuple(row) for row in notifications] == [(bob.id, "event_invited", 1)]
    assert [n.user_id for n, _ in publisher.created] == [bob.id]
    processed = await office.rows("SELECT processed_at FROM outbox WHERE id = :id", id=invited)
    assert processed[0].processed_at is not None


async def test_messages_processed_long_ago_are_purged_and_the_others_kept(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    progress = OutboxProgress(sessions)
    await office.person()
    assert await progress.purge_processed(older_than=timedelta(days=7), limit=100) == 0
    await execute(
        sessions,
        "UPDATE outbox SET created_at = now() - interval '8 days', "
        "processed_at = CASE WHEN name = 'user_registered' THEN now() - interval '8 days' END",
    )

    assert await progress.purge_processed(older_than=timedelta(days=7), limit=100) == 1

    assert [row.name for row in await office.outbox()] == ["calendar_created"]


class _SlowQueue:
    """The queue, taking its time over each job: two hand-overs at once overlap for sure."""

    def __init__(self, queue: RedisQueue) -> None:
        self._queue = queue

    async def enqueue(self, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.2)
        return await self._queue.enqueue(*args, **kwargs)


async def test_workers_woken_by_the_same_commit_hand_each_message_over_once(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada, bob = await office.person(), await office.person()
    await office.event(ada, participants=[bob.email])
    outbox = await office.outbox()
    first, second = (
        OutboxHandOver(_SlowQueue(queue), OutboxProgress(sessions)),
        OutboxHandOver(_SlowQueue(queue), OutboxProgress(sessions)),
    )

    counts = await asyncio.gather(first.sweep(unsent_for=NOW), second.sweep(unsent_for=NOW))

    assert sum(counts) == len(outbox)
    assert [row.attempts for row in await office.outbox()] == [1] * len(outbox)
    assert await queue.count("queued") == len(outbox)
