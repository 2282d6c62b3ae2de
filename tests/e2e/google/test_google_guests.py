"""Guests of Google events (attendees and their answers) in the JSON API of their mirrors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakes.google import FakeGoogle
from tests.support.google import Planner, connect, running_worker, wait_for_job, watched
from tests.support.waiting import wait_for

START = (datetime.now(UTC) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
WINDOW = {"start": (START - timedelta(days=1)).isoformat(), "end": (START + timedelta(days=1)).isoformat()}
GUESTS = [
    {"email": "ada@example.com", "displayName": "Ada", "responseStatus": "accepted", "organizer": True},
    {"email": "bob@example.com", "responseStatus": "tentative"},
    {"email": "room-fuji@resource.calendar.google.com", "resource": True, "responseStatus": "accepted"},
]


async def test_a_mirrored_event_answers_its_google_guests_and_their_answers(planner: Planner, fake: FakeGoogle) -> None:
    fake.add_calendar("work", "Work")
    fake.put_event("work", "review", title="Review", starts_at=START, attendees=GUESTS)
    async with running_worker(planner.settings):
        ada = await planner.person("ada")
        job = await wait_for_job(ada, await connect(ada, fake), "complete", "partial", "failed")
        assert job["status"] == "complete", job

        (item,) = (await ada.get("/api/events", params=WINDOW)).json()["items"]
        expected = [
            {"email": "ada@example.com", "name": "Ada", "status": "accepted", "organizer": True},
            {"email": "bob@example.com", "name": "", "status": "tentative", "organizer": False},
        ]
        assert item["google_guests"] == expected  # the room booked in Google is not a guest
        one = await ada.get(f"/api/events/{item['id']}")
        assert one.status_code == 200
        assert one.json()["google_guests"] == expected

        # Bob answers in Google: the push brings his answer to the API (the cached week included).
        await watched(fake, "work")
        fake.edit_event("work", "review", attendees=[GUESTS[0], {**GUESTS[1], "responseStatus": "declined"}])
        assert (await fake.push(fake.channels_on("work")[0].id)).status_code == 202

        async def bob_declined() -> bool:
            (item,) = (await ada.get("/api/events", params=WINDOW)).json()["items"]
            return [g["status"] for g in item["google_guests"]] == ["accepted", "declined"]

        await wait_for(bob_declined, timeout=10, what="Bob's answer from Google in the API")


async def test_planner_events_have_no_google_guests(planner: Planner) -> None:
    ada = await planner.person("ada")
    body = {"title": "Plan", "starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=1)).isoformat()}
    created = await ada.post("/api/events", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["google_guests"] == []
    (item,) = (await ada.get("/api/events", params=WINDOW)).json()["items"]
    assert item["google_guests"] == []
