"""Recurring events over HTTP: a weekly series across a clock change, its room, one occurrence
cancelled, moved or answered, a series split, all-day dates across zones, long events, bad rules."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.people import PASSWORD, Person, sign_up

Client = AsyncTestClient[Litestar]
_numbers = itertools.count(1)

# Europe/Berlin leaves winter time on Sunday 2027-03-28: 10:00 Berlin is 09:00Z before, 08:00Z after.
STAND_UP = {
    "title": "Stand-up",
    "starts_at": "2027-03-15T10:00:00+01:00",
    "ends_at": "2027-03-15T11:00:00+01:00",
    "timezone": "Europe/Berlin",
    "recurrence": {"rule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4"},
}
MARCH = ("2027-03-14T00:00:00Z", "2027-04-12T00:00:00Z")


async def person_in(client: Client, zone: str) -> Person:
    number = next(_numbers)
    email = f"zoned-{number}@example.com"
    body = {"email": email, "password": PASSWORD, "name": f"Zoned {number}", "timezone": zone}
    registered = await client.post("/api/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    login = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    client.cookies.clear()
    return Person(client=client, id=registered.json()["id"], email=email, token=login.json()["access_token"])


async def listed(person: Person, start: str, end: str, **query: str) -> list[dict[str, Any]]:
    answer = await person.get("/api/events?" + urlencode({"start": start, "end": end, **query}))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def starts(items: list[dict[str, Any]]) -> list[str]:
    return [item["starts_at"][:16] for item in items]


@pytest.fixture
async def admin(client: Client) -> Person:
    return await sign_up(client, "admin")


@pytest.fixture
async def room(admin: Person) -> str:
    created = await admin.post("/api/rooms", {"name": "Everest", "capacity": 8})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_a_weekly_series_keeps_its_wall_clock_time_across_the_clock_change(client: Client, admin: Person) -> None:
    alice = await person_in(client, "Europe/Berlin")
    created = await alice.post("/api/events", STAND_UP)
    assert created.status_code == 201, created.text
    series_id = created.json()["id"]

    items = await listed(alice, *MARCH)

    assert starts(items) == ["2027-03-15T09:00", "2027-03-22T09:00", "2027-03-29T08:00", "2027-04-05T08:00"]
    assert {item["series_id"] for item in items} == {series_id}
    assert [item["recurrence_id"] for item in items] == [
        "2027-03-15T09:00:00Z",
        "2027-03-22T09:00:00Z",
        "2027-03-29T08:00:00Z",
        "2027-04-05T08:00:00Z",
    ]
    assert created.json()["recurrence"] == {"rule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4", "exdates": [], "rdates": []}


async def test_every_occurrence_holds_the_room_and_a_clash_names_the_first_and_counts_the_rest(
    client: Client, admin: Person, room: str
) -> None:
    alice = await person_in(client, "Europe/Berlin")
    other = await alice.post(
        "/api/events",
        {"title": "Offsite", "starts_at": "2027-03-22T08:30:00Z", "ends_at": "2027-03-29T09:00:00Z", "room_id": room},
    )
    assert other.status_code == 201, other.text

    refused = await alice.post("/api/events", {**STAND_UP, "room_id": room})

    assert refused.status_code == 409
    problem = refused.json()
    assert problem["conflicting_event_id"] == other.json()["id"]
    assert problem["more_conflicts"] == 1, "the 2nd and 3rd occurrences both clash with the offsite"
    assert "1 more occurrence" in problem["detail"]
    assert await listed(alice, *MARCH, calendar_id=other.json()["calendar_id"]) == [
        item for item in await listed(alice, *MARCH) if item["title"] == "Offsite"
    ], "the refused series left nothing behind"


async def test_a_booking_over_a_later_occurrence_is_refused_and_a_cancelled_one_frees_the_room(
    client: Client, admin: Person, room: str
) -> None:
    alice = await person_in(client, "Europe/Berlin")
    series = (await alice.post("/api/events", {**STAND_UP, "room_id": room})).json()
    clash = {"title": "Clash", "starts_at": "2027-03-29T10:30:00+02:00", "ends_at": "2027-03-29T11:30:00+02:00"}

    assert (await alice.post("/api/events", {**clash, "room_id": room})).status_code == 409

    second = "2027-03-22T09:00:00Z"
    cancelled = await alice.delete(f"/api/events/{series['id']}/occurrences/{quote(second)}")
    assert cancelled.status_code == 204
    assert starts(await listed(alice, *MARCH)) == ["2027-03-15T09:00", "2027-03-29T08:00", "2027-04-05T08:00"]
    freed = {"title": "Freed", "starts_at": "2027-03-22T10:00:00+01:00", "ends_at": "2027-03-22T11:00:00+01:00"}
    assert (await alice.post("/api/events", {**freed, "room_id": room})).status_code == 201
    gone = await alice.get(f"/api/events/{series['id']}/occurrences/{quote(second)}")
    assert gone.status_code == 404
    assert (await alice.get(f"/api/events/{series['id']}")).json()["recurrence"]["exdates"] == [second]


async def test_moving_one_occurrence_makes_an_override_and_a_split_carries_it_along(
    client: Client, admin: Person
) -> None:
    alice = await person_in(client, "Europe/Berlin")
    series_id = (await alice.post("/api/events", STAND_UP)).json()["id"]
    fourth, third = "2027-04-05T08:00:00Z", "2027-03-29T08:00:00Z"

    moved = await alice.patch(
        f"/api/events/{series_id}/occurrences/{quote(fourth)}",
        {"starts_at": "2027-04-05T14:00:00+02:00", "ends_at": "2027-04-05T15:00:00+02:00"},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["starts_at"][:16], moved.json()["is_override"]) == ("2027-04-05T12:00", True)

    split = await alice.patch(
        f"/api/events/{series_id}/occurrences/{quote(third)}?scope=following", {"title": "Stand-up (new format)"}
    )
    assert split.status_code == 200, split.text
    new_series = split.json()["series_id"]
    assert new_series != series_id

    items = await listed(alice, *MARCH)
    assert [(item["starts_at"][:16], item["title"], item["series_id"]) for item in items] == [
        ("2027-03-15T09:00", "Stand-up", series_id),
        ("2027-03-22T09:00", "Stand-up", series_id),
        ("2027-03-29T08:00", "Stand-up (new format)", new_series),
        ("2027-04-05T12:00", "Stand-up (new format)", new_series),
    ]
    assert items[3]["is_override"]


async def test_changing_the_whole_series_keeps_what_an_override_changed(client: Client, admin: Person) -> None:
    alice = await person_in(client, "Europe/Berlin")
    series_id = (await alice.post("/api/events", STAND_UP)).json()["id"]
    second = "2027-03-22T09:00:00Z"
    renamed = await alice.patch(f"/api/events/{series_id}/occurrences/{quote(second)}", {"title": "Retro"})
    assert renamed.status_code == 200

    moved = await alice.patch(
        f"/api/events/{series_id}",
        {"starts_at": "2027-03-15T09:30:00+01:00", "ends_at": "2027-03-15T10:30:00+01:00", "location": "Room 4"},
    )
    assert moved.status_code == 200, moved.text

    items = await listed(alice, *MARCH)
    assert [(i["starts_at"][:16], i["title"], i["location"]) for i in items] == [
        ("2027-03-15T08:30", "Stand-up", "Room 4"),
        ("2027-03-22T08:30", "Retro", "Room 4"),
        ("2027-03-29T07:30", "Stand-up", "Room 4"),
        ("2027-04-05T07:30", "Stand-up", "Room 4"),
    ]


async def test_an_invitee_answers_one_occurrence_without_answering_the_series(client: Client, admin: Person) -> None:
    alice = await person_in(client, "Europe/Berlin")
    bob = await person_in(client, "Europe/Berlin")
    series_id = (await alice.post("/api/events", {**STAND_UP, "participants": [bob.email]})).json()["id"]

    answered = await bob.post(
        f"/api/events/{series_id}/response", {"status": "declined", "recurrence_id": "2027-03-29T08:00:00Z"}
    )
    assert answered.status_code == 200, answered.text

    answers = [
        [p["status"] for p in item["participants"] if p["email"] == bob.email] for item in await listed(bob, *MARCH)
    ]
    assert answers == [["needs_action"], ["needs_action"], ["declined"], ["needs_action"]]


async def test_an_all_day_event_is_on_its_date_for_a_viewer_in_any_zone(client: Client, admin: Person) -> None:
    alice = await person_in(client, "Europe/Berlin")
    bob = await person_in(client, "America/New_York")
    created = await alice.post(
        "/api/events",
        {
            "title": "Company holiday",
            "all_day": True,
            "start_date": "2027-03-17",
            "end_date": "2027-03-18",
            "timezone": "Europe/Berlin",
            "participants": [bob.email],
        },
    )
    assert created.status_code == 201, created.text
    assert (created.json()["start_date"], created.json()["end_date"]) == ("2027-03-17", "2027-03-18")

    # New York is on EDT (UTC-4) from 14 March 2027: its 17 March is 04:00Z to 04:00Z.
    on_the_day = await listed(bob, "2027-03-17T04:00:00Z", "2027-03-18T04:00:00Z")
    the_day_before = await listed(bob, "2027-03-16T04:00:00Z", "2027-03-17T04:00:00Z")
    berlin_day_before = await listed(alice, "2027-03-15T23:00:00Z", "2027-03-16T23:00:00Z")

    assert [item["start_date"] for item in on_the_day] == ["2027-03-17"]
    assert the_day_before == []
    assert berlin_day_before == []


async def test_an_all_day_series_repeats_dates_and_its_occurrences_are_named_by_date(
    client: Client, admin: Person
) -> None:
    alice = await person_in(client, "Europe/Berlin")
    created = await alice.post(
        "/api/events",
        {
            "title": "Payday",
            "start_date": "2027-01-29",
            "end_date": "2027-01-30",
            "timezone": "Europe/Berlin",
            "recurrence": {"rule": "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"},
        },
    )
    assert created.status_code == 201, created.text
    items = await listed(alice, "2027-01-01T00:00:00Z", "2027-04-01T00:00:00Z")
    assert [(i["start_date"], i["recurrence_id"]) for i in items] == [
        ("2027-01-29", "2027-01-29"),
        ("2027-02-26", "2027-02-26"),
        ("2027-03-26", "2027-03-26"),
    ]
    skipped = await alice.delete(f"/api/events/{created.json()['id']}/occurrences/2027-02-26")
    assert skipped.status_code == 204
    items = await listed(alice, "2027-01-01T00:00:00Z", "2027-04-01T00:00:00Z")
    assert [i["start_date"] for i in items] == ["2027-01-29", "2027-03-26"]


async def test_a_sixty_day_event_shows_in_every_week_it_touches(client: Client, admin: Person) -> None:
    alice = await person_in(client, "Europe/Berlin")
    created = await alice.post(
        "/api/events",
        {"title": "Conference season", "starts_at": "2027-05-01T08:00:00Z", "ends_at": "2027-06-30T18:00:00Z"},
    )
    assert created.status_code == 201, created.text
    for week_start in ("2027-05-03", "2027-05-31", "2027-06-28"):
        found = await listed(alice, f"{week_start}T00:00:00Z", f"{week_start}T23:59:59Z")
        assert [item["title"] for item in found] == ["Conference season"], week_start


@pytest.mark.parametrize(
    ("rule", "part"),
    [
        ("FREQ=SOMETIMES", "FREQ"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "UNTIL"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("BYDAY=MO", "FREQ"),
    ],
)
async def test_a_bad_rule_is_a_422_naming_the_part_that_is_wrong(
    client: Client, admin: Person, rule: str, part: str
) -> None:
    alice = await person_in(client, "Europe/Berlin")
    refused = await alice.post("/api/events", {**STAND_UP, "recurrence": {"rule": rule}})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert part in refused.json()["detail"]


async def test_occurrences_of_someone_elses_series_are_invisible(client: Client, admin: Person) -> None:
    alice = await person_in(client, "Europe/Berlin")
    stranger = await person_in(client, "Europe/Berlin")
    series_id = (await alice.post("/api/events", STAND_UP)).json()["id"]
    path = f"/api/events/{series_id}/occurrences/{quote('2027-03-22T09:00:00Z')}"

    assert (await stranger.get(path)).status_code == 404
    assert (await stranger.patch(path, {"title": "Mine"})).status_code == 404
    assert (await stranger.delete(path)).status_code == 404
    assert (await alice.get(f"/api/events/{series_id}/occurrences/not-a-time")).status_code == 422
    assert (await alice.get(f"/api/events/{series_id}/occurrences/{quote('2027-03-23T09:00:00Z')}")).status_code == 404


async def test_a_series_that_starts_beyond_the_horizon_still_shows_its_occurrences(
    client: Client, admin: Person, room: str
) -> None:
    alice = await person_in(client, "Europe/Berlin")
    created = await alice.post(
        "/api/events",
        {
            "title": "Far ahead",
            "starts_at": "2031-03-04T10:00:00+01:00",
            "ends_at": "2031-03-04T11:00:00+01:00",
            "timezone": "Europe/Berlin",
            "room_id": room,
            "recurrence": {"rule": "FREQ=WEEKLY;COUNT=3"},
        },
    )
    assert created.status_code == 201, created.text

    items = await listed(alice, "2031-03-01T00:00:00Z", "2031-04-01T00:00:00Z")

    assert starts(items) == ["2031-03-04T09:00", "2031-03-11T09:00", "2031-03-18T09:00"]
    clash = {"title": "Clash", "starts_at": "2031-03-18T09:30:00Z", "ends_at": "2031-03-18T10:30:00Z", "room_id": room}
    assert (await alice.post("/api/events", clash)).status_code == 409
