"""A burst of due reminders on PostgreSQL and Redis: claimed and written in batches by runs side by side,
each reminder stored once and published once; a run that dies between its commit and its publish loses
no live message (the sweeper publishes what it left)."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import UUID

import msgspec
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.redis.notifications import RedisNotificationPublisher
from application.notifications.dto import ScheduleReminders, SendDueReminders
from application.notifications.live_messages import ChannelMessage
from application.notifications.publishing import publish_unpublished
from application.notifications.schedule_reminders import schedule_reminders
from application.notifications.send_due_reminders import send_due_reminders
from domain.accounts.user import User
from domain.notifications.notification import NotificationDraft, NotificationType
from tests.integration.scheduling.office import PostgresOffice
from tests.support.servers import ServerUrls
from tests.unit.scheduling.factories import at

OFFSETS = [5, 10, 15, 20]


async def a_burst(office: PostgresOffice) -> list[User]:
    """Six people, each organizing a meeting at 10:00 with the five others, each with four reminders: 144."""
    people = [await office.person() for _ in range(6)]
    room = await office.room()
    for n, organizer in enumerate(people):
        others = [person.email for person in people if person is not organizer]
        overrides = {"room_id": room.id, "starts_at": at(10), "ends_at": at(11)} if n == 0 else {}
        event = await office.event(organizer, participants=others, reminders=OFFSETS, **overrides)
        await schedule_reminders(ScheduleReminders(event_id=event.id, as_of=office.clock.now()), uow=office.uow)
    office.clock.advance(at(9, 58) - office.clock.now())  # every reminder due, no meeting begun
    return people


class Listener:
    """What arrives on every person's channel of the real Redis, by notification id."""

    def __init__(self) -> None:
        self.messages: list[ChannelMessage] = []

    def of_notification(self) -> Counter[UUID]:
        return Counter(m.notification.id for m in self.messages if m.notification is not None)


@contextlib.asynccontextmanager
async def listening(redis_url: str, expected: int) -> AsyncIterator[Listener]:
    listener = Listener()
    client = Redis.from_url(redis_url)
    pubsub = client.pubsub()
    await pubsub.psubscribe("notifications:*")

    async def read() -> None:
        async for message in pubsub.listen():
            if message["type"] == "pmessage":
                listener.messages.append(msgspec.json.decode(message["data"], type=ChannelMessage))

    reading = asyncio.create_task(read())
    try:
        yield listener
        for _ in range(100):  # what was published is on its way: wait for it (and a little for any extra)
            if len(listener.messages) >= expected:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        await pubsub.aclose()
        await client.aclose()


async def test_two_runs_claiming_a_burst_together_store_and_publish_each_reminder_once(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession], redis: Redis, servers: ServerUrls
) -> None:
    people = await a_burst(office)
    publisher = RedisNotificationPublisher(redis)
    reminders = len(people) * len(people) * len(OFFSETS)

    async with listening(servers.redis_url, reminders) as listener:
        runs = await asyncio.gather(
            *(
                send_due_reminders(
                    SendDueReminders(batch_size=9),
                    uow=PostgresUnitOfWork(sessions),
                    publisher=publisher,
                    clock=office.clock,
                )
                for _ in range(2)
            )
        )

    assert sum(run.sent for run in runs) == reminders
    assert all(run.sent > 0 for run in runs), "both runs took a share of the burst"
    stored = await office.rows("SELECT id, user_id, seq FROM notifications")
    assert len(stored) == reminders
    assert [row.sent_at is not None for row in await office.rows("SELECT sent_at FROM reminders")] == [True] * reminders
    published = listener.of_notification()
    assert published == Counter({row.id: 1 for row in stored}), "every one published, and only once"
    for person in people:
        seqs = sorted(row.seq for row in stored if row.user_id == person.id)
        assert seqs == list(range(1, len(seqs) + 1)), "each person's seqs run on without a gap"
        last = next(row.id for row in stored if row.user_id == person.id and row.seq == seqs[-1])
        counts = [m.unread_count for m in listener.messages if m.notification and m.notification.id == last]
        assert counts == [len(seqs)], "the last one carries the count of all (none is read)"
    assert await office.rows("SELECT * FROM unpublished_notifications") == []


class WorkerKilled(BaseException):
    """The process dies: nothing after it runs (not even an `except Exception`)."""


class DiesBeforePublishing(RedisNotificationPublisher):
    async def notifications_created(self, created: object) -> None:
        raise WorkerKilled


async def test_a_run_killed_between_its_commit_and_its_publish_loses_no_live_message(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession], redis: Redis, servers: ServerUrls
) -> None:
    people = await a_burst(office)
    reminders = len(people) * len(people) * len(OFFSETS)

    with contextlib.suppress(WorkerKilled):
        await send_due_reminders(
            SendDueReminders(batch_size=1000),
            uow=PostgresUnitOfWork(sessions),
            publisher=DiesBeforePublishing(redis),
            clock=office.clock,
        )
    stored = await office.rows("SELECT id, user_id FROM notifications")
    assert len(stored) == reminders, "the batch committed before the run died"
    marks = await office.rows("SELECT notification_ids FROM unpublished_notifications")
    assert sorted(id_ for mark in marks for id_ in mark.notification_ids) == sorted(row.id for row in stored)
    assert len(marks) == 1, "one mark for the commit, however many notifications it stored"

    async with listening(servers.redis_url, reminders) as listener:
        publisher = RedisNotificationPublisher(redis)
        early = await publish_unpublished(uow=PostgresUnitOfWork(sessions), publisher=publisher)
        assert early == 0, "a publish may still be on its way just after the commit"
        # As if the grace had passed: the sweeper takes every notification its worker left unpublished.
        swept = await publish_unpublished(
            uow=PostgresUnitOfWork(sessions), publisher=publisher, grace=timedelta(0), batch_size=1
        )
        again = await publish_unpublished(uow=PostgresUnitOfWork(sessions), publisher=publisher, grace=timedelta(0))

    assert (swept, again) == (reminders, 0)
    assert listener.of_notification() == Counter({row.id: 1 for row in stored})
    by_person = Counter(row.user_id for row in stored)
    assert {m.unread_count for m in listener.messages} == set(by_person.values()), "the counts as they are now"
    assert await office.rows("SELECT * FROM unpublished_notifications") == []


async def test_a_notification_published_at_once_is_not_published_again_by_the_sweeper(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession], redis: Redis, servers: ServerUrls
) -> None:
    await a_burst(office)
    publisher = RedisNotificationPublisher(redis)
    await send_due_reminders(
        SendDueReminders(), uow=PostgresUnitOfWork(sessions), publisher=publisher, clock=office.clock
    )

    swept = await publish_unpublished(uow=PostgresUnitOfWork(sessions), publisher=publisher, grace=timedelta(0))

    assert swept == 0
    assert await office.rows("SELECT * FROM unpublished_notifications") == []


async def test_storing_a_batch_keeps_each_readers_drafting_order_and_skips_keys_stored_before(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada, bob = await office.person(), await office.person()
    drafts = [_draft(ada, "a1"), _draft(bob, "b1"), _draft(ada, "a2"), _draft(ada, "a1"), _draft(bob, "b2")]

    async with PostgresUnitOfWork(sessions) as uow:
        first = await uow.notifications.add_all(drafts[:2])
        await uow.commit()
    async with PostgresUnitOfWork(sessions) as uow:
        second = await uow.notifications.add_all(drafts)
        counts = await uow.notifications.unread_counts({ada.id, bob.id})
        await uow.commit()

    assert [(n.dedupe_key, n.seq) for n in first] == sorted(
        [("a1", 1), ("b1", 1)], key=lambda pair: ada.id if pair[0][0] == "a" else bob.id
    )
    assert {(n.dedupe_key, n.seq) for n in second} == {("a2", 2), ("b2", 2)}
    assert counts == {ada.id: 2, bob.id: 2}
    rows = await office.rows("SELECT user_id, last_seq FROM notification_counters")
    assert {(row.user_id, row.last_seq) for row in rows} == {(ada.id, 2), (bob.id, 2)}


def _draft(person: User, key: str) -> NotificationDraft:
    return NotificationDraft(
        user_id=person.id,
        type=NotificationType.EVENT_REMINDER,
        title=f"title {key}",
        message=f"message {key}",
        event_id=None,
        dedupe_key=key,
    )


async def test_a_mark_whose_notifications_are_gone_is_dropped_by_the_sweeper(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession], redis: Redis
) -> None:
    ada = await office.person()
    async with PostgresUnitOfWork(sessions) as uow:
        await uow.notifications.add_all([_draft(ada, "gone")])
        await uow.commit()
    async with sessions.begin() as session:
        await session.execute(text("DELETE FROM notifications"))  # as when their reader's account is deleted

    swept = await publish_unpublished(
        uow=PostgresUnitOfWork(sessions), publisher=RedisNotificationPublisher(redis), grace=timedelta(0)
    )

    assert swept == 0
    assert await office.rows("SELECT * FROM unpublished_notifications") == []
