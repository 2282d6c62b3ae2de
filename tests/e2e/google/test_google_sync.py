"""Google Calendar sync end to end: planner on a real socket, a real worker, PostgreSQL, Redis and a fake Google."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.saq.queue import create_queue
from application.google_sync.retrying import RETRIES
from domain.google_sync.model import channel_token_digest
from entrypoints.bootstrap import token_cipher
from tests.e2e.people import Person
from tests.e2e.sse_client import open_stream
from tests.fakes.google import FakeGoogle
from tests.support.google import (
    Planner,
    connect,
    consent_url,
    job_of,
    queued_syncs,
    running_worker,
    start_connecting,
    state_of,
    wait_for_job,
)
from tests.support.waiting import wait_for

START = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
WINDOW = {"start": (START - timedelta(days=1)).isoformat(), "end": (START + timedelta(days=3)).isoformat()}


def google_calendars(fake: FakeGoogle, *names: str, events_each: int = 2) -> None:
    for name in names:
        fake.add_calendar(name, name.title())
        for number in range(events_each):
            fake.put_event(
                name, f"{name}-{number}", title=f"{name} {number}", starts_at=START + timedelta(hours=number)
            )


async def titles(person: Person) -> list[str]:
    answer = await person.get("/api/events", params=WINDOW)
    assert answer.status_code == 200, answer.text
    return sorted(event["title"] for event in answer.json()["items"])


async def events_titled(person: Person, title: str) -> list[dict[str, Any]]:
    answer = await person.get("/api/events", params=WINDOW)
    return [event for event in answer.json()["items"] if event["title"] == title]


async def connected(planner: Planner, fake: FakeGoogle, name: str = "ada") -> tuple[Person, dict[str, Any]]:
    person = await planner.person(name)
    job = await wait_for_job(person, await connect(person, fake), "complete", "partial", "failed")
    return person, job


async def watched(fake: FakeGoogle, calendar_id: str) -> str:
    async def opened() -> bool:
        return bool(fake.channels_on(calendar_id))

    await wait_for(opened, timeout=10, what=f"a channel on {calendar_id}")
    return fake.channels_on(calendar_id)[0].id


async def test_a_forged_or_foreign_state_is_refused(planner: Planner, fake: FakeGoogle) -> None:
    ada, bob = await planner.person("ada"), await planner.person("bob")
    adas_state = await start_connecting(ada)

    for person, state in ((ada, adas_state + "x"), (bob, adas_state), (ada, "forged.state.value")):
        answer = await person.get("/api/google/callback", params={"code": fake.issue_code(), "state": state})
        assert answer.status_code == 403, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")

    status = (await ada.get(f"/webhook/status/{ada.id}")).json()
    assert status["connected"] is False
    assert not [call for call in fake.calls if call.path == "/token"]


async def test_a_state_works_once(planner: Planner, fake: FakeGoogle) -> None:
    ada = await planner.person("ada")
    url = await consent_url(ada)
    first = await ada.get("/api/google/callback", params={"code": fake.consent(url), "state": state_of(url)})
    assert first.status_code == 202, first.text
    replayed = await ada.get("/api/google/callback", params={"code": fake.consent(url), "state": state_of(url)})
    assert replayed.status_code == 403, replayed.text
    assert "already used" in replayed.json()["detail"]


async def test_a_non_ascii_state_is_refused_not_a_server_error(planner: Planner, fake: FakeGoogle) -> None:
    ada = await planner.person("ada")
    state = await start_connecting(ada)
    payload, _, _ = state.rpartition(".")
    answer = await ada.get("/api/google/callback", params={"code": fake.issue_code(), "state": f"{payload}.ü"})
    assert answer.status_code == 403, answer.text


async def test_the_code_is_exchanged_with_the_pkce_verifier_for_read_only_access(
    planner: Planner, fake: FakeGoogle
) -> None:
    ada = await planner.person("ada")
    url = await consent_url(ada)
    code = fake.consent(url)
    assert fake.consented_scopes, "the consent URL names its scopes"
    assert all(scope.endswith(".readonly") for scope in fake.consented_scopes), fake.consented_scopes
    # A code whose consent carried another challenge (an intercepted code) is refused by Google.
    intercepted = await ada.get(
        "/api/google/callback", params={"code": fake.issue_code("another-challenge"), "state": state_of(url)}
    )
    assert intercepted.status_code == 422, intercepted.text
    assert code in fake.codes, "the real code was never tried"


async def test_full_sync_mirrors_every_calendar_read_only(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work", "home", "team")
    async with running_worker(planner.settings):
        ada, job = await connected(planner, fake)

    assert job["status"] == "complete", job
    assert job["progress"] == 100
    assert sorted(source["key"] for source in job["sources"]) == ["home", "team", "work"]
    assert await titles(ada) == sorted(f"{name} {n}" for name in ("work", "home", "team") for n in range(2))
    calendars = (await ada.get("/api/calendars")).json()["items"]
    assert sorted(c["name"] for c in calendars if c["name"] in ("Work", "Home", "Team")) == ["Home", "Team", "Work"]

    (mirrored,) = await events_titled(ada, "work 0")
    refused = await ada.patch(f"/api/events/{mirrored['id']}", json={"title": "Mine now"})
    assert refused.status_code == 403, refused.text
    assert (await ada.delete(f"/api/events/{mirrored['id']}")).status_code == 403


async def test_a_mirrored_calendar_says_it_is_read_only_and_refuses_every_change(
    planner: Planner, fake: FakeGoogle
) -> None:
    google_calendars(fake, "work", events_each=1)
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
    calendars = (await ada.get("/api/calendars")).json()["items"]
    (work,) = [calendar for calendar in calendars if calendar["name"] == "Work"]
    (personal,) = [calendar for calendar in calendars if calendar["is_personal"]]
    (mirrored,) = await events_titled(ada, "work 0")

    assert (work["read_only"], personal["read_only"]) == (True, False)
    assert [(m["user_id"], m["role"]) for m in work["members"]] == [(ada.id, "owner")]
    assert mirrored["calendar_id"] == work["id"]
    attempts = (
        ada.patch(f"/api/events/{mirrored['id']}", json={"title": "Mine now"}),
        ada.delete(f"/api/events/{mirrored['id']}"),
        ada.post(
            "/api/events",
            json={
                "calendar_id": work["id"],
                "title": "Mine",
                "starts_at": START.isoformat(),
                "ends_at": (START + timedelta(hours=1)).isoformat(),
            },
        ),
        ada.patch(f"/api/calendars/{work['id']}", json={"name": "Mine"}),
        ada.delete(f"/api/calendars/{work['id']}"),
    )
    for attempt in attempts:
        refused = await attempt
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert await titles(ada) == ["work 0"]


async def test_a_google_event_of_60_days_shows_in_every_week_it_touches(planner: Planner, fake: FakeGoogle) -> None:
    fake.add_calendar("leave", "Leave")
    fake.put_event("leave", "sabbatical", title="Sabbatical", starts_at=START, minutes=60 * 24 * 60)
    fake.put_event("leave", "kickoff", title="Kickoff", starts_at=START)
    async with running_worker(planner.settings):
        ada, job = await connected(planner, fake)
    assert job["status"] == "complete", job

    async def week_of(day: int) -> list[str]:
        start = START + timedelta(days=day)
        window = {"start": start.isoformat(), "end": (start + timedelta(days=7)).isoformat()}
        answer = await ada.get("/api/events", params=window)
        assert answer.status_code == 200, answer.text
        return [event["title"] for event in answer.json()["items"]]

    assert sorted(await week_of(-1)) == ["Kickoff", "Sabbatical"]
    assert await week_of(35) == ["Sabbatical"]  # a middle week, over a month after it began
    assert await week_of(56) == ["Sabbatical"]  # the last week: it ends on day 60
    assert await week_of(60) == []


async def test_one_failing_calendar_makes_the_job_partial_and_a_retry_completes_it(
    planner: Planner, fake: FakeGoogle
) -> None:
    google_calendars(fake, "work", "home", "broken")
    fake.fail("/calendars/broken/events", 500)
    async with running_worker(planner.settings):
        ada, job = await connected(planner, fake)

        assert job["status"] == "partial", job
        assert job["progress"] == 66
        # The first try and its retries with backoff, then the source is given up as missing.
        assert len(fake.event_list_calls("broken")) == 1 + RETRIES
        missing = (await ada.get(f"/api/jobs/{job['id']}/missing-sources")).json()["items"]
        assert [(m["key"], m["status"]) for m in missing] == [("broken", "missing")]
        assert "500" in missing[0]["error"]
        retry_status = (await ada.get(f"/api/jobs/{job['id']}/retry-status")).json()
        assert retry_status["will_retry"] is True
        assert retry_status["gives_up_at"] is not None
        assert await titles(ada) == ["home 0", "home 1", "work 0", "work 1"]

        fake.stop_failing()
        calls_before = {name: len(fake.event_list_calls(name)) for name in ("work", "home")}
        retried = await ada.post(f"/api/jobs/{job['id']}/retry")
        assert retried.status_code == 202, retried.text
        assert retried.json()["retrying"] == ["broken"]
        job = await wait_for_job(ada, job["id"], "complete")

    assert job["progress"] == 100
    assert await titles(ada) == ["broken 0", "broken 1", "home 0", "home 1", "work 0", "work 1"]
    # Only the missing source was loaded again.
    assert {name: len(fake.event_list_calls(name)) for name in ("work", "home")} == calls_before
    result = (await ada.get(f"/api/jobs/{job['id']}/result")).json()
    assert result["complete"] is True
    assert result["result"]["events_changed"] == 6


async def test_a_change_on_google_reaches_planner_through_a_push(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
        channel_id = await watched(fake, "work")

        fake.put_event("work", "work-0", title="Moved standup", starts_at=START + timedelta(hours=5))
        fake.put_event("work", "work-new", title="Brand new", starts_at=START + timedelta(hours=6))
        fake.cancel_event("work", "work-1")
        # Rate limits are waited out with backoff, not given up on.
        fake.fail("/calendars/work/events", 429, times=1)
        fake.fail("/calendars/work/events", 403, times=1, reason="rateLimitExceeded")
        answer = await fake.push(channel_id)
        assert answer.status_code == 202, answer.text

        async def mirrored() -> bool:
            return await titles(ada) == ["Brand new", "Moved standup"]

        await wait_for(mirrored, timeout=10, what="the change to be mirrored")

    (moved,) = await events_titled(ada, "Moved standup")
    assert moved["starts_at"] == (START + timedelta(hours=5)).isoformat().replace("+00:00", "Z")
    status = (await ada.get(f"/webhook/status/{ada.id}")).json()
    assert status["connected"] is True
    assert [c["id"] for c in status["channels"]] == [channel_id]
    assert status["channels"][0]["last_message_number"] == 1
    assert status["last_sync"] is not None


async def test_an_open_page_learns_at_once_that_a_sync_changed_its_calendars(
    planner: Planner, fake: FakeGoogle
) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
        channel_id = await watched(fake, "work")
        async with open_stream(planner.url, ada.token) as stream:
            await stream.next("unread_count")  # live from here on
            fake.put_event("work", "work-0", title="Moved standup", starts_at=START + timedelta(hours=5))
            assert (await fake.push(channel_id)).status_code == 202

            frame = await stream.next("calendars_changed", timeout=10)

    assert frame["json"] == {"type": "calendars_changed"}
    assert "Moved standup" in await titles(ada)  # what the page reloads is already the new state


async def test_the_google_page_shows_the_connection_and_its_last_sync(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work")
    ada = await planner.person("ada")
    before = await ada.get("/google", headers={"Accept": "text/html"})
    assert "Not connected" in before.text
    assert 'href="/api/google/connect"' in before.text

    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake, "bob")
    after = await ada.get("/google", headers={"Accept": "text/html"})

    assert after.status_code == 200
    assert "Connected. Last sync:" in after.text
    assert "<time datetime=" in after.text
    assert "Reconnect Google Calendar" in after.text


async def test_a_burst_of_twenty_pushes_queues_one_sync(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
        channel_id = await watched(fake, "work")

    fake.put_event("work", "work-0", title="Changed", starts_at=START)
    answers = [await fake.push(channel_id) for _ in range(20)]
    assert {answer.status_code for answer in answers} == {202}
    # Answered at once: the receiver only checks the channel and queues.
    assert statistics.median(answer.elapsed.total_seconds() for answer in answers) < 0.05
    assert [job.status.value for job in await queued_syncs(planner.settings)] == ["queued"]

    async with running_worker(planner.settings):

        async def changed() -> bool:
            return "Changed" in await titles(ada)

        await wait_for(changed, timeout=10, what="the burst's sync")
    assert len(fake.event_list_calls("work", incremental=True)) == 1


async def test_an_old_or_repeated_message_number_is_ignored(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        await connected(planner, fake)
        channel_id = await watched(fake, "work")

    assert (await fake.push(channel_id, message_number=5)).status_code == 202
    for number in (5, 3):
        repeated = await fake.push(channel_id, message_number=number)
        assert repeated.status_code == 200, repeated.text
        assert repeated.json()["status"] == "ignored"
    assert (await fake.push(channel_id, "sync", message_number=6)).json()["status"] == "ignored"


async def test_a_gone_sync_token_means_a_full_resync_without_duplicates(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work", events_each=3)
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
        channel_id = await watched(fake, "work")
        full_listings = len(fake.event_list_calls("work", incremental=False))

        fake.expire_sync_tokens("work")
        fake.put_event("work", "work-2", title="Renamed", starts_at=START)
        assert (await fake.push(channel_id)).status_code == 202

        async def resynced() -> bool:
            return await titles(ada) == ["Renamed", "work 0", "work 1"]

        await wait_for(resynced, timeout=10, what="the full resync")

    assert len(fake.event_list_calls("work", incremental=False)) == full_listings + 1
    assert list(fake.event_list_calls("work", incremental=True))  # the 410 that led to it


async def test_channels_expiring_within_a_day_are_renewed(planner: Planner, fake: FakeGoogle) -> None:
    fake.max_channel_lifetime = timedelta(hours=2)  # Google grants less than asked
    google_calendars(fake, "work", "home")
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
        old = {await watched(fake, "work"), await watched(fake, "home")}
        queue = create_queue(planner.settings.redis.url or "")
        try:
            outcome = await queue.apply("renew_google_channels", timeout=30)
        finally:
            await queue.disconnect()

    assert outcome == {"renewed": 2, "replaced": 0, "deleted": 0, "failed": 0, "watched_again": 0}
    assert set(fake.stopped_channels) == old
    new = {channel.id for channel in fake.channels.values()}
    assert len(new) == 2
    assert not new & old
    status = (await ada.get(f"/webhook/status/{ada.id}")).json()
    assert {c["id"] for c in status["channels"]} == new
    for channel_id in old:  # a late push on a stopped channel does nothing
        assert (
            await planner.http.post("/webhook/google-calendar", headers=_headers(channel_id, "x"))
        ).status_code == 403


def _headers(channel_id: str, token: str, number: int = 1) -> dict[str, str]:
    return {
        "X-Goog-Channel-ID": channel_id,
        "X-Goog-Channel-Token": token,
        "X-Goog-Resource-State": "exists",
        "X-Goog-Resource-ID": "r",
        "X-Goog-Message-Number": str(number),
    }


async def test_a_forged_push_is_rejected_and_queues_nothing(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        await connected(planner, fake)
        channel_id = await watched(fake, "work")

    for headers in (_headers(channel_id, "wrong-token"), _headers("no-such-channel", fake.channels[channel_id].token)):
        answer = await planner.http.post("/webhook/google-calendar", headers=headers)
        assert answer.status_code == 403, answer.text
    assert (await planner.http.post("/webhook/google-calendar")).status_code in (400, 422)
    assert await queued_syncs(planner.settings) == []
    status = (await planner.http.get("/health")).status_code
    assert status == 200


async def test_a_channel_token_is_kept_as_an_hmac_never_in_clear(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        await connected(planner, fake)
        channel_id = await watched(fake, "work")
    token = fake.channels[channel_id].token  # what Google was given and echoes back in each push

    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT * FROM google_channels WHERE id = :id"), {"id": channel_id})).one()
    assert token not in [str(value) for value in stored]
    assert stored.token_digest == channel_token_digest(token)


async def test_expired_access_tokens_are_refreshed_and_kept(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
        channel_id = await watched(fake, "work")
        fake.expire_access_tokens()
        fake.put_event("work", "work-0", title="After refresh", starts_at=START)
        await fake.push(channel_id)

        async def synced() -> bool:
            return "After refresh" in await titles(ada)

        await wait_for(synced, timeout=10, what="a sync with a refreshed token")

    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT encrypted_tokens FROM google_accounts"))).scalar_one()
    assert "access-" not in stored
    assert "refresh-" not in stored
    tokens = token_cipher(planner.settings).decrypt(stored)
    assert tokens.access_token in fake.access_tokens  # the refreshed one, not the refused one
    assert [call for call in fake.calls if call.path == "/token"]


async def test_a_revoked_grant_breaks_the_connection_and_tells_the_person(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
        channel_id = await watched(fake, "work")
        fake.revoke_grants()
        await fake.push(channel_id)

        async def told() -> bool:
            notifications = (await ada.get("/api/notifications")).json()["items"]
            return any(n["type"] == "job_failed" for n in notifications)

        await wait_for(told, timeout=10, what="ada to be told her grant is gone")

    status = (await ada.get(f"/webhook/status/{ada.id}")).json()
    assert (status["connected"], status["connection_status"]) == (False, "broken")


async def test_a_partial_job_is_given_up_after_three_hours_and_its_owner_told(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    google_calendars(fake, "work", "broken")
    fake.fail("/calendars/broken/events", 503)
    async with running_worker(planner.settings):
        ada, job = await connected(planner, fake)
        assert job["status"] == "partial"
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE jobs SET first_failed_at = now() - interval '3 hours 1 minute' WHERE id = :id"),
                {"id": job["id"]},
            )
        queue = create_queue(planner.settings.redis.url or "")
        try:
            outcome = await queue.apply("retry_partial_jobs", timeout=30)
        finally:
            await queue.disconnect()

        assert outcome == {"retried": 0, "given_up": 1, "purged": 0}
        failed = await job_of(ada, job["id"])
        assert failed["status"] == "failed"
        assert "broken" in failed["error"].lower()

        async def told() -> bool:
            notifications = (await ada.get("/api/notifications")).json()["items"]
            return [n["title"] for n in notifications] == ["Google Calendar sync failed"]

        await wait_for(told, timeout=10, what="ada to be told")


async def test_only_the_owner_or_an_admin_sees_a_job_and_sync_status(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        ada, job = await connected(planner, fake)
    bob = await planner.person("bob")

    assert (await bob.get(f"/api/jobs/{job['id']}")).status_code == 404
    assert (await bob.get(f"/api/jobs/{job['id']}/result")).status_code == 404
    assert (await bob.post(f"/api/jobs/{job['id']}/retry")).status_code == 404
    assert (await bob.get(f"/webhook/status/{ada.id}")).status_code == 404
    assert (await bob.post(f"/webhook/setup/{ada.id}")).status_code == 404
    task = f"google-job:{job['id']}"
    assert (await bob.get(f"/webhook/task-status/{task}")).status_code == 404
    answer = await ada.get(f"/webhook/task-status/{task}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "complete"


async def test_disconnecting_stops_channels_and_removes_the_mirror(planner: Planner, fake: FakeGoogle) -> None:
    google_calendars(fake, "work")
    async with running_worker(planner.settings):
        ada, _ = await connected(planner, fake)
        channel_id = await watched(fake, "work")

    assert (await ada.delete("/api/google/connection")).status_code == 204
    assert fake.stopped_channels == [channel_id]
    assert len(fake.revoked) == 1, "the grant is withdrawn at Google, not only forgotten here"
    assert await titles(ada) == []
    calendars = (await ada.get("/api/calendars")).json()["items"]
    assert [c["name"] for c in calendars] == ["ada"]
    status = (await ada.get(f"/webhook/status/{ada.id}")).json()
    assert (status["connected"], status["channels"]) == (False, [])
