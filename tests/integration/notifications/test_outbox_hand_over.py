"""From the outbox to SAQ: right after the commit, and by the sweeper when that failed or the job was lost."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.outbox_progress import OutboxProgress
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.saq.outbox import OutboxHandOver, outbox_job_key
from adapters.saq.queue import create_queue
from domain.clock import SystemClock
from entrypoints.worker.outbox_tasks import act_on_outbox_message
from entrypoints.worker.services import WorkerServices
from tests.fakes.notifications import RecordingPublisher
from tests.integration.notifications.conftest import execute
from tests.integration.scheduling.office import PostgresOffice

NOW = timedelta(0)


def handing_over(office: PostgresOffice, hand_over: OutboxHandOver) -> Callable[[], PostgresUnitOfWork]:
    """Units of work whose commits are handed to the queue, as the web app makes them."""
    return lambda: office.unit_of_work(after_commit=hand_over)


async def test_each_committed_message_becomes_one_job_keyed_by_its_outbox_id(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession]
) -> None:
    hand_over = OutboxHandOver(queue, OutboxProgress(sessions))
    office.uow = handing_over(office, hand_over)()
    ada, bob = await office.person(), await office.person()
    await office.event(ada, participants=[bob.email])

    outbox = await office.outbox()
    jobs = [(row, await queue.job(outbox_job_key(row.id))) for row in outbox]

    assert {row.name: job.function for row, job in jobs if job} == {
        "user_registered": "dispatch_outbox_message",
        "calendar_created": "dispatch_outbox_message",
        "event_created": "dispatch_outbox_message",
        "participant_invited": "notify_event_invited",
    }
    assert all(job is not None and job.kwargs == {"outbox_id": row.id} and job.retries == 5 for row, job in jobs)
    assert all(row.enqueued_at is not None and row.attempts == 1 for row in outbox)


async def test_unmarked_hand_overs_are_swept_once_more_as_no_ops_and_never_after_processing(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession]
) -> None:
    progress = OutboxProgress(sessions)
    office.uow = handing_over(office, OutboxHandOver(queue, progress, mark_handed_over=False))()
    ada, bob = await office.person(), await office.person()
    await office.event(ada, participants=[bob.email])
    outbox = await office.outbox()
    jobs_before = {row.id: await queue.job(outbox_job_key(row.id)) for row in outbox}
    assert all(job is not None for job in jobs_before.values())
    assert all(row.enqueued_at is None for row in outbox)

    # Unprocessed a while later: handed over again, which the queued jobs' keys make no-ops.
    assert await OutboxHandOver(queue, progress).sweep(unsent_for=NOW) == len(outbox)
    jobs_after = {row.id: await queue.job(outbox_job_key(row.id)) for row in outbox}
    assert {key: job.id for key, job in jobs_after.items() if job} == {
        key: job.id for key, job in jobs_before.items() if job
    }

    # A message a worker already acted on is never handed over again.
    await execute(sessions, "UPDATE outbox SET enqueued_at = NULL, processed_at = now()")
    assert await OutboxHandOver(queue, progress).sweep(unsent_for=NOW) == 0


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


async def test_a_commit_stands_when_redis_is_down_and_the_sweeper_hands_it_over_later(
    office: PostgresOffice, queue: RedisQueue, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    progress = OutboxProgress(sessions)
    nowhere = create_queue(f"unix://{tmp_path}/no-redis.sock?db=0")
    office.uow = handing_over(office, OutboxHandOver(nowhere, progress))()

    ada = await office.person()

    assert [row.id for row in await office.rows("SELECT id FROM users")] == [ada.id]
    assert [row.enqueued_at for row in await office.outbox()] == [None, None]
    sweeper = OutboxHandOver(queue, progress)
    assert await sweeper.sweep() == 0, "a message is left to its commit's hook for a few seconds"
    assert await sweeper.sweep(unsent_for=NOW) == 2
    assert await sweeper.sweep(unsent_for=NOW) == 0
    assert await queue.count("queued") == 2
    await nowhere.redis.aclose()


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
    services = WorkerServices(
        unit_of_work=lambda: PostgresUnitOfWork(sessions),
        publisher=publisher,
        clock=SystemClock(),
        outbox=progress,
        hand_over=OutboxHandOver(queue, progress),
    )
    (invited,) = [row.id for row in await office.outbox() if row.name == "participant_invited"]

    first = await act_on_outbox_message(services, invited)
    again = await act_on_outbox_message(services, invited)

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
