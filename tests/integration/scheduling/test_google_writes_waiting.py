"""Writes to Google that wait (Google down, or refusing): each is due again later, the wait doubling per attempt."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.google.token_cipher import TokenCipher
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from domain.google_sync.write_back import WriteState, WrittenEvent
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import NOW

FIRST_WAIT = timedelta(minutes=5)


@pytest.fixture
def google_uow(sessions: async_sessionmaker[AsyncSession]) -> PostgresUnitOfWork:
    return PostgresUnitOfWork(sessions, cipher=TokenCipher(Fernet.generate_key().decode()))


async def test_a_failing_write_waits_twice_as_long_after_each_attempt(
    office: PostgresOffice, google_uow: PostgresUnitOfWork
) -> None:
    ada = await office.person()
    never_tried, failed_once, failed_thrice, done = [await office.event(ada) for _ in range(4)]
    rows = []
    for event, attempts in ((never_tried, 0), (failed_once, 1), (failed_thrice, 3)):
        row = WrittenEvent.planned(event, google_calendar_id="primary", now=NOW)
        for _ in range(attempts):
            row.failed("Google answered 503", refused=False, now=NOW)
        rows.append(row)
    written = WrittenEvent.planned(done, google_calendar_id="primary", now=NOW)
    written.deleted(version=done.version, now=NOW)
    async with google_uow as uow:
        for row in (*rows, written):
            await uow.google.save_written_event(row)
        await uow.commit()

    async def due(after: timedelta) -> set[object]:
        async with google_uow as uow:
            return set(await uow.google.writes_waiting(NOW + after, FIRST_WAIT, 100))

    assert await due(timedelta(minutes=4)) == set()
    assert await due(timedelta(minutes=6)) == {never_tried.id, failed_once.id}
    assert await due(timedelta(minutes=19)) == {never_tried.id, failed_once.id}
    assert await due(timedelta(minutes=21)) == {never_tried.id, failed_once.id, failed_thrice.id}


async def test_the_writes_not_done_are_counted_per_person_by_state(
    office: PostgresOffice, google_uow: PostgresUnitOfWork
) -> None:
    ada, bob = await office.person(), await office.person()
    waiting, refused, done = [await office.event(ada) for _ in range(3)]
    rows = [WrittenEvent.planned(event, google_calendar_id="primary", now=NOW) for event in (waiting, refused, done)]
    rows[1].failed("Google answered 403", refused=True, now=NOW)
    rows[2].deleted(version=done.version, now=NOW)
    async with google_uow as uow:
        for row in rows:
            await uow.google.save_written_event(row)
        await uow.commit()

    async with google_uow as uow:
        assert await uow.google.writes_not_done(ada.id) == {WriteState.PENDING: 1, WriteState.REFUSED: 1}
        assert await uow.google.writes_not_done(bob.id) == {}
