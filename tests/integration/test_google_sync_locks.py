"""One sync at a time per calendar, across processes: PostgreSQL advisory locks on the calendar's id.

Session locks: held on DATABASE_DIRECT_URL's engine behind PgBouncer (the direct_engine fixture), as
the app holds them (entrypoints/bootstrap)."""

import asyncio
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.sync_locks import AdvisoryLocks


async def test_a_calendar_held_by_one_sync_is_refused_to_another_until_it_lets_go(direct_engine: AsyncEngine) -> None:
    first, second = AdvisoryLocks(direct_engine), AdvisoryLocks(direct_engine)  # as two workers would hold them
    calendar, other = uuid4(), uuid4()

    async with first.hold(calendar) as held:
        assert held
        async with second.hold(calendar) as also:
            assert not also, "never two syncs of one calendar at once"
        async with second.hold(other) as elsewhere:
            assert elsewhere, "other calendars are not held up"
    async with second.hold(calendar) as after:
        assert after


async def test_waiting_for_a_calendar_gets_it_when_the_running_sync_lets_go(direct_engine: AsyncEngine) -> None:
    running, waiting = AdvisoryLocks(direct_engine), AdvisoryLocks(direct_engine)
    calendar = uuid4()
    release = asyncio.Event()
    holding = asyncio.Event()

    async def sync() -> None:
        async with running.hold(calendar) as held:
            assert held
            holding.set()
            await release.wait()

    task = asyncio.create_task(sync())
    await holding.wait()
    async with waiting.hold(calendar, wait_s=0.05) as held:
        assert not held, "gave up after its wait"
    release.set()
    async with waiting.hold(calendar, wait_s=10) as held:
        assert held
    await task
