"""Recurring Google events mirrored as planner series, end to end against the fake Google."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.people import Person
from tests.fakes.google import FakeGoogle
from tests.support.google import Planner, connect, running_worker, wait_for_job, watched
from tests.support.waiting import wait_for

MONDAY = (datetime.now(UTC) + timedelta(days=7 - datetime.now(UTC).weekday())).replace(
    hour=9, minute=0, second=0, microsecond=0
)
WEEK = timedelta(days=7)


async def occurrences(person: Person, weeks: int = 5) -> list[dict[str, Any]]:
    window = {"start": (MONDAY - timedelta(days=1)).isoformat(), "end": (MONDAY + weeks * WEEK).isoformat()}
    answer = await person.get("/api/events", params=window)
    assert answer.status_code == 200, answer.text
    return sorted(answer.json()["items"], key=lambda item: item["starts_at"])


def shown(items: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    return [(item["starts_at"], item["title"], item["is_override"]) for item in items]


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def test_a_google_series_is_a_planner_series_with_its_overrides_and_skipped_occurrences(
    planner: Planner, fake: FakeGoogle
) -> None:
    fake.add_calendar("work", "Work")
    fake.put_series("work", "standup", title="Standup", starts_at=MONDAY, rule="FREQ=WEEKLY;COUNT=4")
    fake.put_occurrence(
        "work", "standup", MONDAY + WEEK, title="Standup (late)", starts_at=MONDAY + WEEK + timedelta(hours=2)
    )
    fake.cancel_occurrence("work", "standup", MONDAY + 2 * WEEK)
    async with running_worker(planner.settings):
        ada = await planner.person("ada")
        job = await wait_for_job(ada, await connect(ada, fake), "complete", "partial", "failed")
    assert job["status"] == "complete", job

    items = await occurrences(ada)
    assert shown(items) == [
        (z(MONDAY), "Standup", False),
        (z(MONDAY + WEEK + timedelta(hours=2)), "Standup (late)", True),
        (z(MONDAY + 3 * WEEK), "Standup", False),
    ]
    assert len({item["series_id"] for item in items}) == 1
    assert items[1]["recurrence_id"] == z(MONDAY + WEEK)


async def test_an_occurrence_cancelled_in_google_later_is_skipped_after_the_push(
    planner: Planner, fake: FakeGoogle
) -> None:
    fake.add_calendar("work", "Work")
    fake.put_series("work", "standup", title="Standup", starts_at=MONDAY, rule="FREQ=WEEKLY;COUNT=3")
    fake.put_event(
        "work",
        "birthday",
        title="Ada's birthday",
        starts_at=MONDAY,
        start={"date": MONDAY.date().isoformat()},
        end={"date": (MONDAY + timedelta(days=1)).date().isoformat()},
        recurrence=["RRULE:FREQ=YEARLY"],
    )
    async with running_worker(planner.settings):
        ada = await planner.person("ada")
        await wait_for_job(ada, await connect(ada, fake), "complete", "partial", "failed")

        await watched(fake, "work")
        fake.cancel_occurrence("work", "standup", MONDAY + WEEK)
        assert (await fake.push(fake.channels_on("work")[0].id)).status_code == 202

        async def skipped() -> bool:
            return [item["starts_at"] for item in await occurrences(ada) if item["title"] == "Standup"] == [
                z(MONDAY),
                z(MONDAY + 2 * WEEK),
            ]

        await wait_for(skipped, timeout=10, what="the cancelled occurrence to be skipped")

    (birthday,) = [item for item in await occurrences(ada) if item["title"] == "Ada's birthday"]
    assert (birthday["all_day"], birthday["start_date"], birthday["end_date"]) == (
        True,
        MONDAY.date().isoformat(),
        (MONDAY + timedelta(days=1)).date().isoformat(),
    )


async def test_an_exception_listed_a_page_before_its_series_overrides_the_series(
    planner: Planner, fake: FakeGoogle
) -> None:
    fake.add_calendar("work", "Work")
    fake.page_size = 1  # Google pages by change: the exception, changed first, comes a page before its series
    fake.put_occurrence(
        "work", "standup", MONDAY + WEEK, title="Standup (late)", starts_at=MONDAY + WEEK + timedelta(hours=2)
    )
    fake.put_event("work", "lunch", title="Lunch", starts_at=MONDAY + timedelta(hours=3))
    fake.put_series("work", "standup", title="Standup", starts_at=MONDAY, rule="FREQ=WEEKLY;COUNT=3")
    async with running_worker(planner.settings):
        ada = await planner.person("ada")
        job = await wait_for_job(ada, await connect(ada, fake), "complete", "partial", "failed")
    assert job["status"] == "complete", job
    assert len(fake.event_list_calls("work")) >= 3, "the listing came in pages of one"

    items = [item for item in await occurrences(ada) if item["title"] != "Lunch"]
    assert shown(items) == [
        (z(MONDAY), "Standup", False),
        (z(MONDAY + WEEK + timedelta(hours=2)), "Standup (late)", True),
        (z(MONDAY + 2 * WEEK), "Standup", False),
    ]
    assert {item["series_id"] for item in items} == {items[0]["id"]}


async def test_an_exception_mirrored_alone_joins_its_series_when_both_change_later(
    planner: Planner, fake: FakeGoogle
) -> None:
    fake.add_calendar("work", "Work")
    fake.put_occurrence(
        "work", "standup", MONDAY + WEEK, title="Standup (late)", starts_at=MONDAY + WEEK + timedelta(hours=2)
    )
    async with running_worker(planner.settings):
        ada = await planner.person("ada")
        await wait_for_job(ada, await connect(ada, fake), "complete", "partial", "failed")
        (alone,) = await occurrences(ada)
        assert (alone["title"], alone["series_id"]) == ("Standup (late)", None)

        await watched(fake, "work")
        fake.page_size = 1
        fake.put_occurrence(
            "work", "standup", MONDAY + WEEK, title="Standup (later)", starts_at=MONDAY + WEEK + timedelta(hours=3)
        )
        fake.put_series("work", "standup", title="Standup", starts_at=MONDAY, rule="FREQ=WEEKLY;COUNT=3")
        assert (await fake.push(fake.channels_on("work")[0].id)).status_code == 202

        async def joined() -> bool:
            return shown(await occurrences(ada)) == [
                (z(MONDAY), "Standup", False),
                (z(MONDAY + WEEK + timedelta(hours=3)), "Standup (later)", True),
                (z(MONDAY + 2 * WEEK), "Standup", False),
            ]

        await wait_for(joined, timeout=10, what="the exception to override its series, and show once")
