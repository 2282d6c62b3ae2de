"""Notifications on PostgreSQL: one per dedupe key, numbered per user in the order they were committed."""

import asyncio
import itertools

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from domain.accounts.user import User
from domain.notifications.notification import Notification, NotificationDraft, NotificationType
from tests.integration.scheduling.office import PostgresOffice
from tests.support.waiting import wait_for

_keys = itertools.count(1)


def a_draft(user: User, **overrides: object) -> NotificationDraft:
    fields: dict[str, object] = {
        "user_id": user.id,
        "type": NotificationType.EVENT_INVITED,
        "title": "Invitation: Planning",
        "message": "Ada invited you to Planning",
        "event_id": None,
        "dedupe_key": f"test:{next(_keys)}",
    }
    return NotificationDraft(**(fields | overrides))  # type: ignore[arg-type]


async def add(office: PostgresOffice, draft: NotificationDraft) -> Notification | None:
    uow = office.unit_of_work()
    async with uow:
        stored = await uow.notifications.add(draft)
        await uow.commit()
    return stored


async def test_each_user_numbers_their_notifications_from_one(office: PostgresOffice) -> None:
    ada, bob = await office.person(), await office.person()

    seqs = [(await add(office, a_draft(person))) for person in (ada, bob, ada, ada, bob)]

    assert [(n.user_id, n.seq) for n in seqs if n] == [(ada.id, 1), (bob.id, 1), (ada.id, 2), (ada.id, 3), (bob.id, 2)]


async def test_a_dedupe_key_is_stored_once_and_spends_no_seq(office: PostgresOffice) -> None:
    ada = await office.person()
    first = await add(office, a_draft(ada, dedupe_key="invited:1"))

    again = await add(office, a_draft(ada, dedupe_key="invited:1", title="Changed"))
    after = await add(office, a_draft(ada))

    assert again is None
    assert first is not None
    assert after is not None
    assert (first.seq, after.seq) == (1, 2)
    rows = await office.rows("SELECT title FROM notifications WHERE dedupe_key = 'invited:1'")
    assert [row.title for row in rows] == ["Invitation: Planning"]


async def test_reading_listing_and_counting_are_scoped_to_their_user(office: PostgresOffice) -> None:
    ada, bob = await office.person(), await office.person()
    stored = [n for i in range(5) if (n := await add(office, a_draft(ada, title=f"n{i}"))) is not None]
    await add(office, a_draft(bob))
    uow = office.unit_of_work()
    async with uow:
        repository = uow.notifications
        assert await repository.get(bob.id, stored[0].id) is None
        assert not await repository.mark_read(bob.id, stored[0].id)
        assert await repository.mark_read(ada.id, stored[1].id)
        assert await repository.unread_count(ada.id) == 4
        page = await repository.list_page(ada.id, before_seq=None, unread_only=False, limit=2)
        assert [n.title for n in page] == ["n4", "n3"]
        older = await repository.list_page(ada.id, before_seq=page[-1].seq, unread_only=True, limit=10)
        assert [n.title for n in older] == ["n2", "n0"]
        assert [n.seq for n in await repository.list_after(ada.id, 3, limit=10)] == [4, 5]
        assert (await repository.latest_seq(ada.id), await repository.latest_seq(bob.id)) == (5, 1)
        assert await repository.mark_all_read(ada.id) == 4
        assert await repository.unread_count(ada.id) == 0
        assert await repository.unread_count(bob.id) == 1
        await uow.commit()


async def test_a_notification_added_while_another_is_uncommitted_waits_and_takes_the_next_seq(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada = await office.person()
    first, second = office.unit_of_work(), office.unit_of_work()

    async with first:
        early = await first.notifications.add(a_draft(ada))

        async def add_second() -> Notification | None:
            async with second:
                stored = await second.notifications.add(a_draft(ada))
                await second.commit()
                return stored

        waiting = asyncio.create_task(add_second())
        await wait_for(lambda: _someone_waits_for_a_lock(sessions), timeout=5, what="the second add to queue up")
        assert not waiting.done()
        await first.commit()
    late = await waiting

    # Replaying `seq > 1` after seeing the first can never miss the second: it committed after it.
    assert (early and early.seq, late and late.seq) == (1, 2)


async def test_a_rolled_back_notification_leaves_no_gap(office: PostgresOffice) -> None:
    ada = await office.person()
    uow = office.unit_of_work()
    async with uow:
        await uow.notifications.add(a_draft(ada))
        await uow.rollback()

    stored = await add(office, a_draft(ada))

    assert stored is not None
    assert stored.seq == 1


async def test_many_concurrent_notifications_of_one_user_get_every_seq_once(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada = await office.person()

    async def one(draft: NotificationDraft) -> Notification | None:
        uow = PostgresUnitOfWork(sessions)
        async with uow:
            stored = await uow.notifications.add(draft)
            await uow.commit()
        return stored

    stored = await asyncio.gather(*(one(a_draft(ada)) for _ in range(40)))

    assert sorted(n.seq for n in stored if n) == list(range(1, 41))


async def _someone_waits_for_a_lock(sessions: async_sessionmaker[AsyncSession]) -> bool:
    async with sessions() as session:
        waiting = await session.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
        return bool(waiting.scalar_one())
