"""A full resync after 410 Gone: the mirror stays visible while it runs, and keeps the planner ids it had."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.people import Person
from tests.fakes.google import FakeGoogle
from tests.support.google import Planner, connect, running_worker, wait_for_job, watched
from tests.support.waiting import wait_for

START = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
WINDOW = {"start": (START - timedelta(days=1)).isoformat(), "end": (START + timedelta(days=3)).isoformat()}


async def ids_by_title(person: Person) -> dict[str, str]:
    answer = await person.get("/api/events", params=WINDOW)
    assert answer.status_code == 200, answer.text
    return {event["title"]: event["id"] for event in answer.json()["items"]}


async def test_a_full_resync_keeps_the_mirror_visible_and_its_ids_and_removes_what_vanished(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    fake.add_calendar("work", "Work")
    for number in range(3):
        fake.put_event("work", f"work-{number}", title=f"work {number}", starts_at=START + timedelta(hours=number))
    async with running_worker(planner.settings):
        ada = await planner.person("ada")
        await wait_for_job(ada, await connect(ada, fake), "complete")
        before = await ids_by_title(ada)

        await watched(fake, "work")
        channel_id = fake.channels_on("work")[0].id
        full_listings = len(fake.event_list_calls("work", incremental=False))

        # The token expires and the refill fails: what was mirrored stays, with its ids.
        fake.expire_sync_tokens("work")
        fake.fail("/calendars/work/events", 500, unless_query="syncToken")
        assert (await fake.push(channel_id)).status_code == 202

        async def refill_failed() -> bool:
            async with engine.connect() as conn:
                partial = await conn.scalar(
                    text("SELECT count(*) FROM jobs WHERE kind = 'google_incremental_sync' AND status = 'partial'")
                )
            return bool(partial)

        await wait_for(refill_failed, timeout=15, what="the sync to end partial")
        assert len(fake.event_list_calls("work", incremental=False)) > full_listings
        assert await ids_by_title(ada) == before

        # Meanwhile one event vanished from Google for good and another was renamed; the refill then works.
        fake.stop_failing()
        fake.forget_event("work", "work-1")
        fake.put_event("work", "work-2", title="Renamed", starts_at=START)
        assert (await fake.push(channel_id)).status_code == 202

        async def resynced() -> bool:
            return set(await ids_by_title(ada)) == {"work 0", "Renamed"}

        await wait_for(resynced, timeout=15, what="the full resync")

    after = await ids_by_title(ada)
    assert after == {"work 0": before["work 0"], "Renamed": before["work 2"]}
