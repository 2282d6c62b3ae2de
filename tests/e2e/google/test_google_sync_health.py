"""Google sync that never silently stops: unwatchable calendars polled, dead channels forgotten, rate limits honoured,
calendars added or removed in Google picked up; against a fake Google that checks every request like Google does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.saq.queue import create_queue
from tests.e2e.people import Person
from tests.fakes.google import FakeGoogle
from tests.support.google import Planner, connect, running_worker, wait_for_job, watched
from tests.support.waiting import wait_for

START = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
WINDOW = {"start": (START - timedelta(days=1)).isoformat(), "end": (START + timedelta(days=3)).isoformat()}


def google_calendar(fake: FakeGoogle, name: str, *, events: int = 1) -> None:
    fake.add_calendar(name, name.title())
    for number in range(events):
        fake.put_event(name, f"{name}-{number}", title=f"{name} {number}", starts_at=START + timedelta(hours=number))


async def connected(planner: Planner, fake: FakeGoogle) -> Person:
    person = await planner.person("ada")
    await wait_for_job(person, await connect(person, fake), "complete", "partial", "failed")
    return person


async def titles(person: Person) -> list[str]:
    answer = await person.get("/api/events", params=WINDOW)
    assert answer.status_code == 200, answer.text
    return sorted(event["title"] for event in answer.json()["items"])


async def calendars_of(person: Person) -> dict[str, dict[str, Any]]:
    answer = await person.get(f"/webhook/status/{person.id}")
    assert answer.status_code == 200, answer.text
    return {c["google_calendar_id"]: c for c in answer.json()["calendars"]}


async def wait_for_channel_rows(engine: AsyncEngine, count: int) -> None:
    """Google answered the watches; wait until planner has stored the channels too."""

    async def stored() -> bool:
        async with engine.connect() as conn:
            granted = text("SELECT count(*) FROM google_channels WHERE resource_id <> ''")
            return (await conn.execute(granted)).scalar_one() == count

    await wait_for(stored, timeout=10, what=f"{count} channel rows")


async def run_task(planner: Planner, name: str) -> Any:
    queue = create_queue(planner.settings.redis.url or "")
    try:
        return await queue.apply(name, timeout=60)
    finally:
        await queue.disconnect()


async def test_a_calendar_google_will_not_watch_is_polled_and_every_other_one_is_watched(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    # "Holidays" sorts first: it used to stop every calendar after it from being watched.
    for name in ("holidays", "primary", "work"):
        google_calendar(fake, name)
    fake.calendars["holidays"].push_supported = False
    async with running_worker(planner.settings):
        ada = await connected(planner, fake)

        async def both_watched() -> bool:
            return all(fake.channels_on(name) for name in ("primary", "work"))

        await wait_for(both_watched, timeout=10, what="primary and work to be watched")
        await wait_for_channel_rows(engine, 2)
        assert not fake.channels_on("holidays")
        calendars = await calendars_of(ada)
        assert {name: c["push"] for name, c in calendars.items()} == {
            "holidays": "polled",
            "primary": "watched",
            "work": "watched",
        }
        assert "pushNotSupportedForRequestedResource" in calendars["holidays"]["polled_because"]
        assert calendars["work"]["channel_expires_at"] is not None
        assert calendars["work"]["last_outcome"] == "synced"

        # Polled: once GOOGLE_POLL_MINUTES have passed since its last sync, the cron syncs it.
        fake.put_event("holidays", "new-year", title="New year", starts_at=START)
        assert await run_task(planner, "sync_due_google_calendars") == {"calendars": 0, "calendar_lists": 0}
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE google_calendars SET last_attempt_at = now() - interval '16 minutes'"
                    " WHERE google_calendar_id = 'holidays'"
                )
            )
        assert (await run_task(planner, "sync_due_google_calendars"))["calendars"] == 1

        async def polled() -> bool:
            return "New year" in await titles(ada)

        await wait_for(polled, timeout=10, what="the polled calendar's new event")

    page = await ada.get("/google")
    assert page.status_code == 200
    assert "pushNotSupportedForRequestedResource" in page.text


async def test_a_calendar_google_refused_to_watch_is_asked_again_later_and_pushed_once_google_watches_it(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    google_calendar(fake, "shared")
    fake.calendars["shared"].push_supported = False
    async with running_worker(planner.settings):
        ada = await connected(planner, fake)

        async def refused() -> bool:
            return (await calendars_of(ada))["shared"]["push"] == "polled"

        await wait_for(refused, timeout=10, what="the refused calendar to be polled")
        async with engine.connect() as conn:
            retry = text("SELECT watch_retry_at - now() FROM google_calendars WHERE google_calendar_id = 'shared'")
            wait = (await conn.execute(retry)).scalar_one()
        assert timedelta(hours=23) < wait <= timedelta(days=1), "asked again a day later"
        assert (await calendars_of(ada))["shared"]["watch_retry_at"] is not None
        # Not due yet: the renewal does not ask Google again.
        assert (await run_task(planner, "renew_google_channels"))["watched_again"] == 0
        assert not [c for c in fake.calls if c.path.endswith("/calendars/shared/events/watch")][1:]

        # A day later Google still refuses: the next wait is twice as long.
        async def a_day_passes() -> None:
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE google_calendars SET watch_retry_at = now() - interval '1 minute'"))

        await a_day_passes()
        assert (await run_task(planner, "renew_google_channels"))["watched_again"] == 0
        async with engine.connect() as conn:
            wait = (await conn.execute(retry)).scalar_one()
        assert timedelta(days=1, hours=23) < wait <= timedelta(days=2)
        assert len([c for c in fake.calls if c.path.endswith("/calendars/shared/events/watch")]) == 2

        # The calendar became watchable: once its wait is over it gets a channel, and is pushed, not polled.
        fake.calendars["shared"].push_supported = True
        await a_day_passes()
        assert (await run_task(planner, "renew_google_channels"))["watched_again"] == 1
        assert fake.channels_on("shared")
        shared = (await calendars_of(ada))["shared"]
        assert (shared["push"], shared["polled_because"], shared["watch_retry_at"]) == ("watched", None, None)
        fake.put_event("shared", "pushed", title="Pushed", starts_at=START)
        assert (await fake.push(fake.channels_on("shared")[0].id)).status_code == 202

        async def pushed() -> bool:
            return "Pushed" in await titles(ada)

        await wait_for(pushed, timeout=10, what="the pushed change of the calendar watched again")


async def test_every_calendar_is_synced_again_after_the_safety_net_interval_though_no_push_came(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    google_calendar(fake, "work")
    async with running_worker(planner.settings):
        ada = await connected(planner, fake)
        fake.put_event("work", "lost", title="Its push was lost", starts_at=START)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE google_calendars SET last_attempt_at = now() - interval '5 hours'"))
        assert (await run_task(planner, "sync_due_google_calendars"))["calendars"] == 0
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE google_calendars SET last_attempt_at = now() - interval '6 hours 1 minute'")
            )
        assert (await run_task(planner, "sync_due_google_calendars"))["calendars"] == 1

        async def caught_up() -> bool:
            return "Its push was lost" in await titles(ada)

        await wait_for(caught_up, timeout=10, what="the safety-net sync")


async def test_renewal_forgets_a_thousand_dead_channels_and_renews_the_ten_live_ones(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    fake.max_channel_lifetime = timedelta(hours=2)  # every live channel is near expiry
    names = [f"cal{number:02}" for number in range(10)]
    for name in names:
        google_calendar(fake, name, events=0)
    async with running_worker(planner.settings):
        ada = await connected(planner, fake)

        async def all_watched() -> bool:
            return all(fake.channels_on(name) for name in names)

        await wait_for(all_watched, timeout=20, what="ten channels")
        await wait_for_channel_rows(engine, 10)
        live = {fake.channels_on(name)[0].id for name in names}
        fake.channels.pop(next(iter(sorted(live))))  # Google no longer knows this one: its stop answers 404
        async with engine.begin() as conn:
            # Dead rows that sort first: long expired, on calendars not mirrored, of a broken grant.
            await conn.execute(
                text(
                    "INSERT INTO google_channels (id, user_id, google_calendar_id, token_digest, resource_id,"
                    " expires_at, created_at)"
                    " SELECT 'dead-' || n, :user, CASE WHEN n % 2 = 0 THEN 'gone-' || n ELSE 'cal00' END, 'x', 'r',"
                    " now() - interval '30 days' + n * interval '1 second', now() - interval '40 days'"
                    " FROM generate_series(1, 1000) AS n"
                ),
                {"user": str(ada.id)},
            )
        watches_before = len([c for c in fake.calls if c.path.endswith("/events/watch")])

        outcome = await run_task(planner, "renew_google_channels")

        assert outcome == {"renewed": 10, "replaced": 0, "deleted": 1000, "failed": 0, "watched_again": 0}
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, google_calendar_id FROM google_channels"))).all()
        assert sorted(row.google_calendar_id for row in rows) == names, "one live channel per calendar, no dead row"
        assert not {row.id for row in rows} & live
        assert len([c for c in fake.calls if c.path.endswith("/events/watch")]) == watches_before + 10


async def test_an_expired_channel_is_replaced_once_and_never_again(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    google_calendar(fake, "work", events=0)
    async with running_worker(planner.settings):
        await connected(planner, fake)

        await watched(fake, "work")
        await wait_for_channel_rows(engine, 1)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE google_channels SET expires_at = now() - interval '2 days'"))
        first = await run_task(planner, "renew_google_channels")
        second = await run_task(planner, "renew_google_channels")

    assert first == {"renewed": 0, "replaced": 1, "deleted": 1, "failed": 0, "watched_again": 0}
    assert second == {"renewed": 0, "replaced": 0, "deleted": 0, "failed": 0, "watched_again": 0}
    assert len([c for c in fake.calls if c.path.endswith("/calendars/work/events/watch")]) == 2
    assert fake.stopped_channels == [], "Google already dropped the expired channel: no stop is sent for it"


async def test_a_rate_limited_sync_waits_as_long_as_google_asks_then_completes(
    planner: Planner, fake: FakeGoogle
) -> None:
    google_calendar(fake, "work")
    fake.fail("/calendars/work/events", 429, times=1, reason="rateLimitExceeded", retry_after="1")
    async with running_worker(planner.settings):
        ada = await connected(planner, fake)

    listings = [c for c in fake.calls if c.path.endswith("/calendars/work/events")]
    assert len(listings) == 2
    assert listings[1].at - listings[0].at >= 1.0, "Retry-After: 1 was honoured"
    assert await titles(ada) == ["work 0"]


async def test_a_calendar_added_or_removed_in_google_is_picked_up_without_connecting_again(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    google_calendar(fake, "work")
    google_calendar(fake, "team")
    async with running_worker(planner.settings):
        ada = await connected(planner, fake)
        assert await titles(ada) == ["team 0", "work 0"]
        fake.remove_calendar("team")
        google_calendar(fake, "side")
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE google_accounts SET calendars_checked_at = now() - interval '16 minutes'"))
        assert (await run_task(planner, "sync_due_google_calendars"))["calendar_lists"] == 1

        async def picked_up() -> bool:
            return await titles(ada) == ["side 0", "work 0"]

        await wait_for(picked_up, timeout=15, what="the added calendar mirrored and the removed one gone")

        async def told() -> bool:
            notifications = (await ada.get("/api/notifications")).json()["items"]
            return "Google calendar removed" in [n["title"] for n in notifications]

        await wait_for(told, timeout=10, what="ada to be told her calendar was removed")
    assert set(await calendars_of(ada)) == {"side", "work"}


async def test_renewal_retries_watch_and_stop_calls_google_rate_limited(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    fake.max_channel_lifetime = timedelta(hours=2)  # Google grants less than asked: the channel is due for renewal
    google_calendar(fake, "work", events=0)
    async with running_worker(planner.settings):
        await connected(planner, fake)

        await watched(fake, "work")
        await wait_for_channel_rows(engine, 1)
        old = {channel.id for channel in fake.channels_on("work")}
        fake.fail("/events/watch", 429, times=1, reason="rateLimitExceeded", retry_after="1")
        fake.fail("/channels/stop", 403, times=1, reason="rateLimitExceeded")
        outcome = await run_task(planner, "renew_google_channels")

    assert outcome == {"renewed": 1, "replaced": 0, "deleted": 0, "failed": 0, "watched_again": 0}
    watches = [c for c in fake.calls if c.path.endswith("/calendars/work/events/watch")]
    assert len(watches) == 3, "the first watch, then the renewal's: refused once, retried"
    assert watches[2].at - watches[1].at >= 1.0, "Retry-After: 1 was honoured"
    stops = [c for c in fake.calls if c.path.endswith("/channels/stop")]
    assert len(stops) == 2, "the stop of the old channel: refused once (403 rateLimitExceeded), retried"
    assert set(fake.stopped_channels) == old
    new = {channel.id for channel in fake.channels_on("work")}
    assert len(new) == 1, "one channel on the calendar"
    assert not new & old, "a new channel replaced the old one"
