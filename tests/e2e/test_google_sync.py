"""Google Calendar sync end to end: planner on a real socket, a real worker, PostgreSQL, Redis and a fake Google."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from entrypoints.settings import Settings
from tests.e2e.people import Person
from tests.fakes.google import FakeGoogle, running_fake_google
from tests.support.google import (
    Planner,
    connect,
    running_worker,
    serving,
    start_connecting,
    wait_for_job,
)
from tests.support.waiting import wait_for

START = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
WINDOW = {"start": (START - timedelta(days=1)).isoformat(), "end": (START + timedelta(days=3)).isoformat()}


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    with running_fake_google() as fake:
        yield fake


@pytest.fixture
async def planner(settings: Settings, fake: FakeGoogle) -> AsyncIterator[Planner]:
    async with serving(settings, fake) as planner:
        yield planner


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
