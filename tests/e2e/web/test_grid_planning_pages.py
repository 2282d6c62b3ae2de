"""What the grid's planning script is given by the pages: the slot picked, who may move what, where it opens."""

from __future__ import annotations

import re

from tests.e2e.web.browsing import Visitor
from tests.e2e.web.conftest import Visitors

DAY = "2031-03-05"  # a Wednesday in Paris (UTC+1), far from today


async def event(visitor: Visitor, title: str, starts_at: str, ends_at: str, **more: object) -> str:
    made = await visitor.api("POST", "/api/events", {"title": title, "starts_at": starts_at, "ends_at": ends_at} | more)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def event_item(html: str, event_id: str) -> str:
    """The opening tag of the event's first piece on the grid."""
    found = re.search(rf'<li class="event[^"]*" id="event-{event_id}-\d+"[^>]*>', html)
    assert found, f"event {event_id} is not on the grid"
    return found.group(0)


async def test_the_new_event_form_opens_on_the_slot_picked_on_the_grid_in_my_zone(person: Visitors) -> None:
    ada, _ = await person("ada")  # in Europe/Paris

    picked = await ada.open(f"/events/new?starts_at={DAY}T09:00:00Z&ends_at={DAY}T10:30:00Z")

    assert picked.status_code == 200
    assert f'id="starts" name="starts" type="datetime-local" required value="{DAY}T10:00"' in picked.text
    assert f'id="ends" name="ends" type="datetime-local" required value="{DAY}T11:30"' in picked.text


async def test_a_slot_that_does_not_read_as_one_opens_the_usual_form(person: Visitors) -> None:
    ada, _ = await person("ada")
    for query in (
        f"starts_at={DAY}T09:00:00Z&ends_at=later",
        f"starts_at={DAY}T09:00:00&ends_at={DAY}T10:00:00",  # no offset: not an instant
        f"starts_at={DAY}T10:00:00Z&ends_at={DAY}T09:00:00Z",  # ends first
        f"starts_at={DAY}T10:00:00Z&ends_at=2031-03-09T10:00:00Z",  # longer than a day
    ):
        answer = await ada.open(f"/events/new?date={DAY}&hour=14&{query}")
        assert answer.status_code == 200, query
        assert f'value="{DAY}T14:00"' in answer.text, query


async def test_only_the_calendars_editors_get_events_they_can_move_and_an_occurrence_moves_alone(
    person: Visitors,
) -> None:
    ada, _ = await person("ada")
    bob, bob_email = await person("bob")
    team = await ada.api("POST", "/api/calendars", {"name": "Team"})
    assert team.status_code == 201, team.text
    member = {"email": bob_email, "role": "viewer"}
    shared = await ada.api("POST", f"/api/calendars/{team.json()['id']}/members", member)
    assert shared.status_code in (200, 201), shared.text
    review = await event(ada, "Review", f"{DAY}T13:00:00+01:00", f"{DAY}T14:00:00+01:00", calendar_id=team.json()["id"])
    standup = await event(
        ada,
        "Stand-up",
        f"{DAY}T09:30:00+01:00",
        f"{DAY}T09:45:00+01:00",
        timezone="Europe/Paris",
        recurrence={"rule": "FREQ=DAILY;COUNT=3"},
    )

    adas = (await ada.open(f"/?date={DAY}")).text
    bobs = (await bob.open(f"/?date={DAY}")).text

    mine = event_item(adas, review)
    assert "data-editable" in mine
    assert f'data-patch-url="/api/events/{review}"' in mine
    assert "data-etag='\"v1\"'" in mine
    assert f'data-starts="{DAY}T12:00:00Z" data-ends="{DAY}T13:00:00Z"' in mine
    occurrence = event_item(adas, standup)
    assert f'data-patch-url="/api/events/{standup}/occurrences/{DAY}T08:30:00Z?scope=this"' in occurrence
    assert "data-etag='\"o-" in occurrence  # the occurrence's own ETag, which its route checks
    assert "data-editable" not in event_item(bobs, review)  # a viewer of the team calendar
    assert 'class="resize"' in adas


async def test_the_grid_opens_at_nine_or_at_an_earlier_first_event(person: Visitors) -> None:
    ada, _ = await person("ada")
    working_day = (await ada.open(f"/day?date={DAY}")).text
    await event(ada, "Early call", f"{DAY}T04:00:00+01:00", f"{DAY}T04:30:00+01:00")
    early = (await ada.open(f"/day?date={DAY}")).text

    assert 'data-scroll-to-hour="9"' in working_day
    assert 'data-scroll-to-hour="4"' in early
    day_column = re.search(r'<ol class="day-column[^>]*data-hours="([^"]+)"', early)
    assert day_column
    hours = day_column.group(1).split(" ")
    assert (len(hours), hours[0], hours[9]) == (24, f"{DAY[:-2]}04T23:00:00Z", f"{DAY}T08:00:00Z")


async def test_the_grid_opens_at_my_own_working_day(person: Visitors) -> None:
    ada, _ = await person("ada")
    week = {day: [["07:30", "15:30"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    hours = await ada.api("PUT", "/api/me/working-hours", {"timezone": "Europe/Paris", "days": week})
    assert hours.status_code == 200, hours.text

    weekday = (await ada.open(f"/day?date={DAY}")).text
    sunday = (await ada.open("/day?date=2031-03-09")).text

    assert 'data-scroll-to-hour="7"' in weekday
    assert 'data-scroll-to-hour="9"' in sunday  # no working hours that day: a usual day's start
