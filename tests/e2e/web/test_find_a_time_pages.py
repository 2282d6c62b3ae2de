"""Find a time in the event form: the scheduling grid of the form's day, and the suggested times to pick from."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from tests.e2e.web.browsing import Visitor
from tests.e2e.web.conftest import Visitors

DAY = "2031-03-05"  # a Wednesday, far from today; Paris is UTC+1 then


async def booked(visitor: Visitor, title: str, start: str, end: str, **more: object) -> None:
    body = {"title": title, "starts_at": f"{DAY}T{start}:00+01:00", "ends_at": f"{DAY}T{end}:00+01:00", **more}
    made = await visitor.api("POST", "/api/events", body)
    assert made.status_code == 201, made.text


def find_a_time(**fields: object) -> str:
    query = {"starts": f"{DAY}T09:00", "ends": f"{DAY}T10:00", "timezone": "Europe/Paris", "capacity": "1", **fields}
    return "/events/find-a-time?" + urlencode(query, doseq=True)


def lane(html: str, name: str) -> str:
    """What a lane says to a screen reader."""
    found = re.search(
        rf'<span class="who">{re.escape(name)}</span>\s*<span class="visually-hidden">([^<]*)</span>', html
    )
    assert found, f"no lane for {name}"
    return found.group(1)


async def test_the_grid_shows_each_persons_busy_time_and_working_hours_and_the_rooms_bookings_without_titles(
    person: Visitors,
) -> None:
    ada, ada_email = await person("ada")  # in Europe/Paris, the administrator
    bob, bob_email = await person("bob")
    room = await ada.api("POST", "/api/rooms", {"name": "Everest", "capacity": 6})
    assert room.status_code == 201, room.text
    await booked(bob, "Salary talk", "10:00", "11:00")
    await booked(ada, "Board", "14:00", "15:00", room_id=room.json()["id"])

    answer = await ada.open(find_a_time(participants=[bob_email], room_id=room.json()["id"]))

    assert answer.status_code == 200
    assert "Find a time: Wednesday 05 March 2031" in answer.text
    assert lane(answer.text, bob_email) == f"{bob_email}: busy 10:00\u201311:00. works 09:00\u201317:00."
    assert lane(answer.text, f"You ({ada_email})").startswith(f"You ({ada_email}): busy 14:00\u201315:00.")
    assert lane(answer.text, "Everest (room)") == "Everest (room): booked 14:00\u201315:00."
    assert "Salary talk" not in answer.text
    assert 'class="proposal"' in answer.text  # the form's own 09:00-10:00, outlined


async def test_suggestions_put_the_first_time_everyone_is_free_first_with_a_free_room(person: Visitors) -> None:
    ada, _ = await person("ada")
    bob, bob_email = await person("bob")
    room = await ada.api("POST", "/api/rooms", {"name": "Everest", "capacity": 6})
    await booked(bob, "Busy morning", "09:00", "10:30")

    answer = await ada.open(find_a_time(participants=[bob_email]))

    picks = re.findall(r'data-pick-starts="([^"]+)" data-pick-ends="([^"]+)"\s+data-pick-room="([^"]*)"', answer.text)
    assert picks[0] == (f"{DAY}T10:30", f"{DAY}T11:30", room.json()["id"])
    assert "everyone free, Everest (6 seats)" in answer.text


async def test_a_guest_not_on_planner_is_said_so_and_a_malformed_one_is_named_not_failed(person: Visitors) -> None:
    ada, _ = await person("ada")

    unknown = await ada.open(find_a_time(participants=["nobody@example.com"]))
    malformed = await ada.open(find_a_time(participants=["not an address"]))
    nonsense = await ada.open(find_a_time(starts="soon", ends="later", timezone="Nowhere", day="someday"))

    assert unknown.status_code == 200
    assert "nobody@example.com: not on planner" in lane(unknown.text, "nobody@example.com")
    assert "Not on planner, so left out: nobody@example.com." in unknown.text
    assert malformed.status_code == 200
    assert re.search(r'id="find-a-time-error">Participants[^<]*</p>', malformed.text)
    assert nonsense.status_code == 200
    assert "Find a time:" in nonsense.text


async def test_the_event_form_offers_find_a_time(person: Visitors) -> None:
    ada, _ = await person("ada")
    form = await ada.open(f"/events/new?date={DAY}&hour=9")
    assert 'id="find-a-time-button" hx-get="/events/find-a-time"' in form.text
    assert "/static/app/find_a_time.js" in form.text
