"""Two-way Google sync: planner's own events written to Google, their echoes ignored, Google's edits taken back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.saq.queue import create_queue
from domain.google_sync.model import WRITE_SCOPE
from tests.e2e.people import Person
from tests.fakes.google import FakeGoogle
from tests.support.google import Planner, connect, running_worker, state_of, wait_for_job
from tests.support.waiting import wait_for

START = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
WINDOW = {"start": (START - timedelta(days=1)).isoformat(), "end": (START + timedelta(days=30)).isoformat()}
ADA = "ada@example.com"


async def connected_for_writing(person: Person, fake: FakeGoogle) -> None:
    """Go through a consent that allows planner to write events (as write-back asks), and wait for the sync."""
    asked = await person.get("/api/google/connect", params={"redirect": "false", "write": "true"})
    url = asked.json()["authorization_url"]
    answer = await person.get("/api/google/callback", params={"code": fake.consent(url), "state": state_of(url)})
    assert answer.status_code == 202, answer.text
    assert WRITE_SCOPE in fake.consented_scopes
    job = await wait_for_job(person, answer.json()["job_id"], "complete", "partial", "failed")
    assert job["status"] == "complete", job


async def writing_back(planner: Planner, fake: FakeGoogle) -> Person:
    """Ada, connected, her primary Google calendar mirrored and watched, writing her own events to it."""
    fake.add_calendar(ADA, "Ada")
    ada = await planner.person("ada")
    await connected_for_writing(ada, fake)

    async def watched() -> bool:
        return bool(fake.channels_on(ADA))

    await wait_for(watched, timeout=10, what="a channel on Ada's calendar")
    answer = await ada.put("/api/google/write-back", json={"google_calendar_id": "primary"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["google_calendar_id"] == "primary"
    return ada


async def settled(planner: Planner, engine: AsyncEngine) -> None:
    """Wait until every committed change was acted on and no task is queued or running."""
    queue = create_queue(planner.settings.redis.url or "")

    async def quiet() -> bool:
        async with engine.connect() as conn:
            waiting = await conn.scalar(text("SELECT count(*) FROM outbox WHERE processed_at IS NULL"))
        return not waiting and await queue.count("queued") == 0 and await queue.count("active") == 0

    try:
        await wait_for(quiet, timeout=20, what="the outbox and the queue to be done")
    finally:
        await queue.disconnect()


async def google_copy(fake: FakeGoogle, event_id: str, **wanted: Any) -> dict[str, Any]:
    """Wait for the Google copy of a planner event to hold `wanted`; answers it."""
    found: dict[str, Any] = {}

    async def written() -> bool:
        for resource in fake.events_in(ADA):
            if resource.get("extendedProperties", {}).get("private", {}).get("planner_event_id") == event_id:
                found.clear()
                found.update(resource)
                return all(resource.get(k) == v for k, v in wanted.items())
        return False

    await wait_for(written, timeout=15, what=f"the Google copy of {event_id} with {wanted} (last: {found})")
    return found


async def pushed(fake: FakeGoogle) -> None:
    assert (await fake.push(fake.channels_on(ADA)[0].id)).status_code == 202


async def my_events(person: Person) -> list[dict[str, Any]]:
    answer = await person.get("/api/events", params=WINDOW)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def create(person: Person, title: str, **extra: Any) -> dict[str, Any]:
    body = {"title": title, "starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=1)).isoformat()}
    answer = await person.post("/api/events", json=body | extra)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_my_event_is_written_to_google_and_its_echo_is_neither_mirrored_nor_written_again(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    async with running_worker(planner.settings):
        ada = await writing_back(planner, fake)
        event = await create(ada, "Planning", location="Room 1")
        copy = await google_copy(fake, event["id"], summary="Planning")
        assert (copy["location"], copy["start"]["dateTime"][:16]) == ("Room 1", START.isoformat()[:16])

        await pushed(fake)  # the echo of planner's own write
        await settled(planner, engine)

    assert [item["id"] for item in await my_events(ada)] == [event["id"]]  # no read-only twin
    assert [call.method for call in fake.writes()] == ["POST"]  # and no second write: no loop


async def test_changes_and_cancelling_in_planner_follow_in_google(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    async with running_worker(planner.settings):
        ada = await writing_back(planner, fake)
        event = await create(ada, "Planning")
        await google_copy(fake, event["id"], summary="Planning")

        changed = await ada.patch(f"/api/events/{event['id']}", json={"title": "Planning (moved)"})
        assert changed.status_code == 200, changed.text
        copy = await google_copy(fake, event["id"], summary="Planning (moved)")

        assert (await ada.delete(f"/api/events/{event['id']}")).status_code in (200, 204)

        async def deleted() -> bool:
            return all(r["id"] != copy["id"] for r in fake.events_in(ADA))

        await wait_for(deleted, timeout=15, what="the Google copy to be deleted")
        await pushed(fake)
        await settled(planner, engine)

    assert await my_events(ada) == []
    assert [call.method for call in fake.writes()] == ["POST", "PATCH", "DELETE"]


async def test_a_series_is_written_with_its_rule_its_skipped_and_its_changed_occurrences(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    async with running_worker(planner.settings):
        ada = await writing_back(planner, fake)
        series = await create(ada, "Standup", timezone="UTC", recurrence={"rule": "FREQ=WEEKLY;COUNT=4"})
        copy = await google_copy(fake, series["id"], summary="Standup")
        assert copy["recurrence"] == ["RRULE:FREQ=WEEKLY;COUNT=4"]

        second, third = START + timedelta(days=7), START + timedelta(days=14)
        skipped = await ada.delete(f"/api/events/{series['id']}/occurrences/{second.isoformat()}")
        assert skipped.status_code in (200, 204), skipped.text
        await google_copy(
            fake, series["id"], recurrence=["RRULE:FREQ=WEEKLY;COUNT=4", f"EXDATE:{second.strftime('%Y%m%dT%H%M%SZ')}"]
        )
        moved = await ada.patch(
            f"/api/events/{series['id']}/occurrences/{third.isoformat()}", json={"title": "Standup (retro)"}
        )
        assert moved.status_code == 200, moved.text

        async def overridden() -> bool:
            return any(
                r.get("summary") == "Standup (retro)" and r.get("recurringEventId") == copy["id"]
                for r in fake.events_in(ADA)
            )

        await wait_for(overridden, timeout=15, what="the changed occurrence in Google")
        await pushed(fake)
        await settled(planner, engine)

    titles = [(item["starts_at"][:16], item["title"]) for item in await my_events(ada)]
    assert titles == [
        (START.isoformat()[:16], "Standup"),
        (third.isoformat()[:16], "Standup (retro)"),
        ((START + timedelta(days=21)).isoformat()[:16], "Standup"),
    ]


async def test_an_edit_made_in_google_comes_back_and_a_delete_in_google_cancels_it(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    async with running_worker(planner.settings):
        ada = await writing_back(planner, fake)
        kept = await create(ada, "Review")
        gone = await create(
            ada,
            "Lunch",
            starts_at=(START + timedelta(hours=3)).isoformat(),
            ends_at=(START + timedelta(hours=4)).isoformat(),
        )
        kept_copy = await google_copy(fake, kept["id"], summary="Review")
        gone_copy = await google_copy(fake, gone["id"], summary="Lunch")
        await settled(planner, engine)

        fake.edit_event(ADA, kept_copy["id"], summary="Review (in Google)", location="Room 7")
        assert fake.events_in(ADA)  # the delete below is someone removing it in Google
        with fake.lock:
            fake._store(ADA, {"kind": "calendar#event", "id": gone_copy["id"], "status": "cancelled"})
        await pushed(fake)

        async def taken_back() -> bool:
            return [(e["id"], e["title"], e["location"]) for e in await my_events(ada)] == [
                (kept["id"], "Review (in Google)", "Room 7")
            ]

        await wait_for(taken_back, timeout=15, what="Google's edit and delete in planner")
        await settled(planner, engine)

    # Taking Google's edit in wrote nothing back: the copies were inserted once, and never written again.
    assert [call.method for call in fake.writes()] == ["POST", "POST"]


async def test_a_write_google_refuses_is_recorded_shown_and_its_organizer_told(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    async with running_worker(planner.settings):
        ada = await writing_back(planner, fake)
        fake.fail("/calendars/primary/events", 403, reason="forbidden")
        event = await create(ada, "Secret meeting")

        async def told() -> bool:
            answer = await ada.get("/api/notifications")
            return any(n["title"] == "Not written to Google Calendar" for n in answer.json()["items"])

        await wait_for(told, timeout=15, what="the refused write to be told")
        async with engine.connect() as conn:
            state, error = (
                await conn.execute(
                    text("SELECT state, last_error FROM google_written_events WHERE event_id = :id"),
                    {"id": event["id"]},
                )
            ).one()
        assert state == "refused"
        assert "403" in error
        status = (await ada.get(f"/webhook/status/{ada.id}")).json()
        assert (status["pending_writes"], status["refused_writes"]) == (0, 1)
        # The Google page shows the same counts.
        page = await ada.get("/google")
        assert page.status_code == 200
        assert 'data-pending-writes="0"' in page.text
        assert 'data-refused-writes="1"' in page.text
        assert "1 refused by Google" in page.text


async def test_write_back_needs_a_grant_to_write_and_an_unknown_calendar_is_refused(
    planner: Planner, fake: FakeGoogle
) -> None:
    fake.add_calendar(ADA, "Ada")
    async with running_worker(planner.settings):
        ada = await planner.person("ada")
        await wait_for_job(ada, await connect(ada, fake), "complete")  # read-only, as connecting asks
        assert all(scope.endswith(".readonly") for scope in fake.consented_scopes)

        refused = await ada.put("/api/google/write-back", json={"google_calendar_id": "primary"})
        assert refused.status_code == 409, refused.text
        assert "/api/google/connect?write=true" in refused.json()["detail"]
        shown = (await ada.get("/api/google/write-back")).json()
        assert (shown["google_calendar_id"], shown["can_write"]) == (None, False)

        await connected_for_writing(ada, fake)
        unknown = await ada.put("/api/google/write-back", json={"google_calendar_id": "someone-else@example.com"})
        assert unknown.status_code == 422, unknown.text
        for bad in ({"google_calendar_id": ""}, {"google_calendar_id": 7}, {"calendar": "primary"}):
            answer = await ada.put("/api/google/write-back", json=bad)
            assert answer.status_code in (400, 422), (bad, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
        chosen = await ada.put("/api/google/write-back", json={"google_calendar_id": ADA})
        assert chosen.status_code == 200, chosen.text
        shown = (await ada.get("/api/google/write-back")).json()
        assert shown["google_calendar_id"] == ADA
        assert [c["google_calendar_id"] for c in shown["calendars"]] == ["primary", ADA]
        off = await ada.put("/api/google/write-back", json={"google_calendar_id": None})
        assert off.json()["google_calendar_id"] is None


async def test_switching_write_back_on_writes_my_upcoming_events_too(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    fake.add_calendar(ADA, "Ada")
    async with running_worker(planner.settings):
        ada = await planner.person("ada")
        await connected_for_writing(ada, fake)
        before = await create(ada, "Booked before")

        answer = await ada.put("/api/google/write-back", json={"google_calendar_id": "primary"})
        assert answer.status_code == 200, answer.text
        await google_copy(fake, before["id"], summary="Booked before")
        await settled(planner, engine)

    assert [call.method for call in fake.writes()] == ["POST"]


async def test_a_write_while_google_is_down_waits_shown_as_pending_and_reaches_google_once_it_is_back(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    async with running_worker(planner.settings):
        ada = await writing_back(planner, fake)
        fake.fail("/calendars/primary/events", 503)
        event = await create(ada, "Written later")

        async def pending() -> bool:
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        text("SELECT state, attempts FROM google_written_events WHERE event_id = :id"),
                        {"id": event["id"]},
                    )
                ).one_or_none()
            return row is not None and row.state == "pending" and row.attempts >= 1

        await wait_for(pending, timeout=15, what="the write to wait as pending")
        status = (await ada.get(f"/webhook/status/{ada.id}")).json()
        assert (status["pending_writes"], status["refused_writes"]) == (1, 0)
        assert 'data-pending-writes="1"' in (await ada.get("/google")).text
        assert not [r for r in fake.events_in(ADA) if r.get("summary") == "Written later"]

        fake.stop_failing()  # Google is back: SAQ's next retry (or the retry cron) writes it, once
        copy = await google_copy(fake, event["id"], summary="Written later")
        await settled(planner, engine)

    assert len([r for r in fake.events_in(ADA) if r["id"] == copy["id"]]) == 1
    status = (await ada.get(f"/webhook/status/{ada.id}")).json()
    assert (status["pending_writes"], status["refused_writes"]) == (0, 0)
