"""Two worker processes share out the due reminders: every one sent, none twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from saq.job import Status
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.saq.queue import create_queue
from application.notifications.dto import ScheduleReminders
from application.notifications.schedule_reminders import schedule_reminders
from entrypoints.settings import Settings
from tests.e2e.delivery import finished_job, listening, rows, worker_process, workers_reporting
from tests.fakes.clock import ManualClock
from tests.integration.scheduling.office import PostgresOffice
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

EVENTS = 10
GUESTS = 4
OFFSETS = [15, 20]
RUNS = 8


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[RedisQueue]:
    queue = create_queue(settings.redis.url or "")
    yield queue
    await queue.disconnect()


async def test_two_workers_send_a_hundred_due_reminders_each_exactly_once(
    settings: Settings, engine: AsyncEngine, queue: RedisQueue, tmp_path: Path
) -> None:
    # An hour ago, ten meetings starting ten minutes from now were planned: 10 x 5 people x 2 offsets are due.
    now = datetime.now(UTC)
    office = PostgresOffice(async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False))
    office.clock = ManualClock(now - timedelta(hours=1))
    ada, *guests = [await office.person() for _ in range(GUESTS + 1)]
    for number in range(EVENTS):
        starts = now + timedelta(minutes=10, seconds=number)
        event = await office.event(
            ada,
            title=f"Meeting {number}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            participants=[guest.email for guest in guests],
            reminders=OFFSETS,
        )
        await schedule_reminders(ScheduleReminders(event_id=event.id, as_of=office.clock.now()), uow=office.uow)
    due = await rows(engine, "SELECT count(*) AS n FROM reminders WHERE sent_at IS NULL AND due_at <= now()")
    assert due[0].n == 100

    people = [ada, *guests]
    async with listening(settings.redis.url or "", [person.id for person in people]) as channels:
        with worker_process(settings, tmp_path / "workers.log", processes=2):
            await workers_reporting(queue, 2)
            keys = [f"test:reminders:{run}" for run in range(RUNS)]
            await asyncio.gather(*(queue.enqueue("send_scheduled_reminders", key=key) for key in keys))
            runs = [await finished_job(queue, key, timeout=30) for key in keys]
            cron = await queue.job("cron:send_scheduled_reminders")

        sent_by_runs = sum(run.result["sent"] for run in runs)
        sent_by_cron = cron.result["sent"] if cron is not None and cron.result else 0

        async def all_published() -> bool:
            return len(channels.notifications("event_reminder")) >= 100

        await wait_for(all_published, timeout=10, what="every reminder to be published")

    reminders = await rows(
        engine, "SELECT user_id, event_id, dedupe_key FROM notifications WHERE type = 'event_reminder'"
    )
    assert [run.status for run in runs] == [Status.COMPLETE] * RUNS, "no run failed (e.g. on a deadlock)"
    assert len(reminders) == 100
    assert len({(row.user_id, row.event_id, row.dedupe_key) for row in reminders}) == 100
    assert sent_by_runs + sent_by_cron == 100, "each reminder was claimed by exactly one run"
    unsent = await rows(engine, "SELECT count(*) AS n FROM reminders WHERE sent_at IS NULL")
    assert unsent[0].n == 0
    published = channels.notifications("event_reminder")
    assert len(published) == 100
    assert len({message.notification.id for message in published if message.notification}) == 100
