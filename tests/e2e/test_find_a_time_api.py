"""Find a time over HTTP: working hours, out of office, free/busy without titles, suggestions and their limits."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.people import PASSWORD, Person, sign_up

Client = AsyncTestClient[Litestar]
_numbers = itertools.count(1)
# A winter week, Monday 6 to Saturday 11 January 2031: Berlin is UTC+1, New York UTC-5.
MONDAY = datetime(2031, 1, 6, tzinfo=UTC)
WEEK = {"start": "2031-01-06T00:00:00Z", "end": "2031-01-11T00:00:00Z"}


def z(day: int, hour: float) -> str:
    return (MONDAY + timedelta(days=day, hours=hour)).isoformat().replace("+00:00", "Z")


async def person_in(client: Client, zone: str) -> Person:
    number = next(_numbers)
    email = f"fat-{number}@example.com"
    body = {"email": email, "password": PASSWORD, "name": f"Finder {number}", "timezone": zone}
    registered = await client.post("/api/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    login = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    client.cookies.clear()
    return Person(client=client, id=registered.json()["id"], email=email, token=login.json()["access_token"])


async def book(who: Person, title: str, start: str, end: str, **more: Any) -> dict[str, Any]:
    created = await who.post("/api/events", {"title": title, "starts_at": start, "ends_at": end, **more})
    assert created.status_code == 201, created.text
    return dict(created.json())


async def free_busy(asker: Person, **query: str) -> dict[str, Any]:
    answer = await asker.get("/api/freebusy?" + urlencode({**WEEK, **query}))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def blocks(answer: dict[str, Any], email: str) -> list[tuple[str, str, str]]:
    return [(b["start"][:16], b["end"][:16], b["status"]) for b in answer["people"][email]["busy"]]


async def test_working_hours_are_nine_to_five_on_weekdays_in_my_zone_until_i_set_others(client: Client) -> None:
    ada = await person_in(client, "Europe/Berlin")

    default = await ada.get("/api/me/working-hours")
    changed = await ada.client.put(
        "/api/me/working-hours",
        json={"timezone": "Asia/Tokyo", "days": {"sat": [["10:00", "12:00"], ["13:00", "24:00"]]}},
        headers=ada.auth,
    )
    again = await ada.get("/api/me/working-hours")

    assert default.json()["timezone"] == "Europe/Berlin"
    assert default.json()["days"]["mon"] == [["09:00", "17:00"]]
    assert default.json()["days"]["sat"] == []
    assert changed.status_code == 200, changed.text
    assert again.json() == changed.json()
    assert again.json()["timezone"] == "Asia/Tokyo"
    assert again.json()["days"]["sat"] == [["10:00", "12:00"], ["13:00", "24:00"]]
    assert again.json()["days"]["mon"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Base", "days": {}}, "timezone"),
        ({"timezone": "UTC", "days": {"mon": [["17:00", "09:00"]]}}, "days.mon"),
        ({"timezone": "UTC", "days": {"someday": [["09:00", "17:00"]]}}, "days"),
    ],
)
async def test_malformed_working_hours_are_refused_naming_the_field(
    client: Client, body: dict[str, Any], field: str
) -> None:
    ada = await sign_up(client)

    answer = await ada.client.put("/api/me/working-hours", json=body, headers=ada.auth)

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


async def test_out_of_office_shows_in_free_busy_without_its_note_and_can_be_taken_back(client: Client) -> None:
    ada, bob = await sign_up(client), await sign_up(client)

    marked = await ada.post("/api/me/out-of-office", {"starts_at": z(1, 0), "ends_at": z(3, 0), "note": "Ski trip"})
    seen = await free_busy(bob, emails=ada.email)
    listed = await ada.get("/api/me/out-of-office")
    not_bobs = await bob.delete(f"/api/me/out-of-office/{marked.json()['id']}")
    removed = await ada.delete(f"/api/me/out-of-office/{marked.json()['id']}")
    after = await free_busy(bob, emails=ada.email)

    assert marked.status_code == 201, marked.text
    assert blocks(seen, ada.email) == [(z(1, 0)[:16], z(3, 0)[:16], "out_of_office")]
    assert "Ski trip" not in str(seen)
    assert [item["note"] for item in listed.json()["items"]] == ["Ski trip"]
    assert not_bobs.status_code == 404
    assert removed.status_code == 204
    assert blocks(after, ada.email) == []


async def test_free_busy_sees_every_occurrence_merges_blocks_and_shows_no_title(client: Client) -> None:
    ada, bob = await person_in(client, "Europe/Berlin"), await sign_up(client)
    # A daily series begun three weeks before, an overlapping single event, a free one, a declined invitation.
    await book(ada, "Secret stand-up", z(-21, 9), z(-21, 9.5), recurrence={"rule": "FREQ=DAILY;COUNT=40"})
    await book(ada, "Secret review", z(0, 9.25), z(0, 10))
    await book(ada, "Focus (free)", z(1, 13), z(1, 14), transparency="free")
    declined = await book(bob, "Declined thing", z(2, 13), z(2, 14), participants=[ada.email])
    answered = await ada.post(f"/api/events/{declined['id']}/response", {"status": "declined"})
    assert answered.status_code == 200, answered.text

    seen = await free_busy(bob, emails=ada.email)

    assert blocks(seen, ada.email) == [
        (z(0, 9)[:16], z(0, 10)[:16], "busy"),
        *((z(d, 9)[:16], z(d, 9.5)[:16], "busy") for d in range(1, 5)),
    ]
    assert "Secret" not in str(seen)
    assert seen["people"][ada.email]["timezone"] == "Europe/Berlin"
    assert seen["people"][ada.email]["working_hours"][0] == {"start": z(0, 8), "end": z(0, 16)}


async def test_an_invitation_is_tentative_until_accepted_and_one_occurrence_may_be_answered_apart(
    client: Client,
) -> None:
    ada, bob = await sign_up(client), await sign_up(client)
    series = await book(
        bob, "Weekly sync", z(-7, 15), z(-7, 16), participants=[ada.email], recurrence={"rule": "FREQ=WEEKLY"}
    )
    one_off = await book(bob, "Lunch", z(2, 12), z(2, 13), participants=[ada.email])
    await ada.post(f"/api/events/{one_off['id']}/response", {"status": "accepted"})
    await ada.post(f"/api/events/{series['id']}/response", {"status": "declined"})
    this_week = await ada.post(
        f"/api/events/{series['id']}/response", {"status": "tentative", "recurrence_id": z(0, 15)}
    )
    assert this_week.status_code == 200, this_week.text

    seen = await free_busy(bob, emails=ada.email)

    assert blocks(seen, ada.email) == [
        (z(0, 15)[:16], z(0, 16)[:16], "tentative"),
        (z(2, 12)[:16], z(2, 13)[:16], "busy"),
    ]


async def test_an_all_day_event_is_free_unless_marked_busy_and_then_blocks_the_date_in_the_persons_zone(
    client: Client,
) -> None:
    ada, bob = await person_in(client, "America/New_York"), await sign_up(client)
    holiday = {"all_day": True, "start_date": "2031-01-07", "end_date": "2031-01-08"}
    birthday = await ada.post("/api/events", {"title": "Birthday", **holiday})
    offsite = await ada.post(
        "/api/events",
        {
            "title": "Offsite",
            "all_day": True,
            "start_date": "2031-01-09",
            "end_date": "2031-01-10",
            "transparency": "busy",
        },
    )

    seen = await free_busy(bob, emails=ada.email)

    assert birthday.json()["transparency"] == "free"
    assert offsite.json()["transparency"] == "busy"
    # 9 January on a New York wall clock: 05:00Z to 05:00Z.
    assert blocks(seen, ada.email) == [(z(3, 5)[:16], z(4, 5)[:16], "busy")]


async def test_an_event_can_be_switched_to_free_and_back(client: Client) -> None:
    ada = await sign_up(client)
    event = await book(ada, "Maybe busy", z(0, 10), z(0, 11))

    freed = await ada.patch(f"/api/events/{event['id']}", {"transparency": "free"})
    seen = await free_busy(ada, emails=ada.email)
    wrong = await ada.patch(f"/api/events/{event['id']}", {"transparency": "opaque"})

    assert event["transparency"] == "busy"
    assert freed.json()["transparency"] == "free"
    assert blocks(seen, ada.email) == []
    assert wrong.status_code == 422


async def test_unknown_emails_and_rooms_are_answered_as_unknown_and_nothing_more(client: Client) -> None:
    bob = await sign_up(client)
    nobody = f"nobody-{next(_numbers)}@example.com"

    seen = await free_busy(bob, emails=nobody, rooms="00000000-0000-7000-8000-000000000000")

    assert seen["people"][nobody] == {"known": False, "busy": [], "working_hours": [], "timezone": None}
    assert seen["rooms"]["00000000-0000-7000-8000-000000000000"]["known"] is False


async def test_rooms_answer_their_bookings_merged(client: Client) -> None:
    admin, ada = await sign_up(client), await sign_up(client)
    room = (await admin.post("/api/rooms", {"name": f"Annex {next(_numbers)}", "capacity": 6})).json()
    await book(ada, "First", z(0, 9), z(0, 10), room_id=room["id"])
    await book(ada, "Second", z(0, 10), z(0, 11), room_id=room["id"])

    seen = await free_busy(ada, rooms=room["id"])

    assert seen["rooms"][room["id"]]["name"] == room["name"]
    assert [(b["start"][:16], b["end"][:16]) for b in seen["rooms"][room["id"]]["busy"]] == [
        (z(0, 9)[:16], z(0, 11)[:16])
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"emails": "not-an-email"}, "emails"),
        ({"emails": "a@example.com", "end": "2031-03-20T00:00:00Z"}, "end"),
        ({"rooms": "room-one"}, "rooms"),
        ({"emails": ",".join(f"p{n}@example.com" for n in range(51))}, "emails"),
    ],
)
async def test_free_busy_refuses_bad_input_naming_the_field(client: Client, query: dict[str, str], field: str) -> None:
    bob = await sign_up(client)

    answer = await bob.get("/api/freebusy?" + urlencode({**WEEK, **query}))

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


async def test_suggestions_land_where_berlin_and_new_york_both_work_with_a_free_room(client: Client) -> None:
    admin = await sign_up(client)
    ada, bob = await person_in(client, "Europe/Berlin"), await person_in(client, "America/New_York")
    room = (await admin.post("/api/rooms", {"name": f"Everest {next(_numbers)}", "capacity": 40})).json()
    await book(bob, "Early call", z(0, 14), z(0, 15))
    stranger = f"stranger-{next(_numbers)}@example.com"

    answer = await ada.post(
        "/api/scheduling/suggestions",
        {
            "participants": [ada.email, bob.email],
            "optional_participants": [stranger],
            "duration_minutes": 60,
            "capacity": 40,
            "room_required": True,
            "limit": 3,
            **WEEK,
        },
    )

    assert answer.status_code == 200, answer.text
    first = answer.json()["items"][0]
    assert (first["start"], first["end"]) == (z(0, 15), z(0, 16))
    assert sorted(first["free"]) == sorted([ada.email, bob.email])
    assert first["unavailable"] == []
    assert [r["id"] for r in first["rooms"]] == [room["id"]]
    assert answer.json()["unknown"] == [stranger]
    assert len(answer.json()["items"]) == 3

    booked = await ada.post(
        "/api/events", {"title": "Found", "starts_at": first["start"], "ends_at": first["end"], "room_id": room["id"]}
    )
    too_late = await bob.post(
        "/api/events", {"title": "Mine", "starts_at": first["start"], "ends_at": first["end"], "room_id": room["id"]}
    )
    assert booked.status_code == 201, booked.text
    assert too_late.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": "2031-03-20T00:00:00Z"}, "end"),
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"start": "2031-01-06T09:00:00Z", "end": "2031-01-06T09:30:00Z"}, "duration_minutes"),
        ({"participants": [f"p{n}@example.com" for n in range(51)]}, "participants"),
        ({"participants": ["ada@"]}, "participants"),
        ({"participants": []}, "participants"),
    ],
)
async def test_suggestions_refuse_bad_input_naming_the_field(
    client: Client, change: dict[str, Any], field: str
) -> None:
    ada = await sign_up(client)
    body = {"participants": [ada.email], "duration_minutes": 60, **WEEK, **change}

    answer = await ada.post("/api/scheduling/suggestions", body)

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
