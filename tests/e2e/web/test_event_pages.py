"""Booking through the pages: free rooms only, conflicts and stale edits shown in the form, RSVP, the bell's pages."""

from __future__ import annotations

import re

from domain.scheduling.event import MAX_TITLE_LENGTH
from domain.scheduling.room import MAX_CAPACITY
from tests.e2e.web.browsing import Visitor
from tests.e2e.web.conftest import Visitors
from tests.support.waiting import wait_for

DAY = "2031-03-04"  # a Tuesday, far from today: nothing else is booked then


def fields(title: str, start: str, end: str, **more: object) -> dict[str, object]:
    return {"title": title, "starts": f"{DAY}T{start}", "ends": f"{DAY}T{end}", "timezone": "UTC", **more}


async def room(admin: Visitor, name: str, capacity: int) -> str:
    made = await admin.api("POST", "/api/rooms", {"name": name, "capacity": capacity})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def event_id(location: str) -> str:
    found = re.fullmatch(r"/events/([0-9a-f-]{36})", location)
    assert found, location
    return found.group(1)


async def test_the_room_picker_offers_only_rooms_free_for_the_slot_with_enough_seats(person: Visitors) -> None:
    ada, _ = await person("ada")
    await room(ada, "Everest", 8)
    await room(ada, "Kilimanjaro", 2)
    fuji = await room(ada, "Fuji", 12)
    booked = await ada.submit("/events/new", "/events/new", fields("Board", "09:00", "11:00", room_id=fuji))
    assert booked.status_code == 303, booked.text

    picker = await ada.open(f"/events/free-rooms?starts={DAY}T10:00&ends={DAY}T10:30&timezone=UTC&capacity=4")
    new_form = await ada.open(f"/events/new?date={DAY}&hour=14")

    assert picker.status_code == 200
    assert "Everest" in picker.text
    assert "Kilimanjaro" not in picker.text  # two seats
    assert "Fuji" not in picker.text  # taken by Board
    assert all(name in new_form.text for name in ("Everest", "Kilimanjaro", "Fuji"))  # all free at 14:00
    nonsense = await ada.open(f"/events/free-rooms?starts={DAY}T10:00&ends=later&timezone=Nowhere&room_id=x")
    assert nonsense.status_code == 200


async def test_the_event_form_lets_the_browser_check_the_domains_own_limits(person: Visitors) -> None:
    ada, _ = await person("ada")
    new_form = await ada.open(f"/events/new?date={DAY}&hour=14")
    assert new_form.status_code == 200
    assert re.search(rf'id="title"[^>]*maxlength="{MAX_TITLE_LENGTH}"', new_form.text)
    assert re.search(rf'id="capacity"[^>]*max="{MAX_CAPACITY}"', new_form.text)


async def test_a_room_taken_meanwhile_is_refused_next_to_the_room_picker_keeping_the_form(person: Visitors) -> None:
    ada, _ = await person("ada")
    bob, _ = await person("bob")
    everest = await room(ada, "Everest", 8)
    first = await ada.submit("/events/new", "/events/new", fields("First", "10:00", "11:00", room_id=everest))

    second = await bob.submit("/events/new", "/events/new", fields("Second", "10:30", "11:30", room_id=everest))

    assert first.status_code == 303
    assert second.status_code == 409
    assert re.search(r'id="room_id-error"[^>]*>This room is already booked Tue 04 Mar 10:00-11:00', second.text)
    assert re.search(rf'<option value="{everest}" selected>Everest', second.text)  # still shown, with its error
    assert 'value="Second"' in second.text
    assert f'value="{DAY}T10:30"' in second.text


async def test_a_stale_edit_says_someone_else_changed_the_event_and_shows_their_version(person: Visitors) -> None:
    ada, _ = await person("ada")
    created = await ada.submit("/events/new", "/events/new", fields("Planning", "10:00", "11:00"))
    path = created.headers["location"]
    edit_form = await ada.open(f"{path}/edit")
    assert 'name="version" value="1"' in edit_form.text
    changed = await ada.api("PATCH", f"/api/{path.removeprefix('/')}", {"title": "Planning, moved", "location": "Roof"})
    assert changed.status_code == 200, changed.text

    stale = await ada.submit(f"{path}/edit", f"{path}/edit", fields("My title", "10:00", "11:00", version="1"))

    assert stale.status_code == 412
    assert "Someone else changed this event" in stale.text
    assert "Planning, moved" in stale.text
    assert "Roof" in stale.text
    assert 'value="My title"' in stale.text
    assert 'name="version" value="2"' in stale.text
    saved = await ada.post(f"{path}/edit", {**fields("My title", "10:00", "11:00", version="2"), "_csrf_token": ""})
    assert saved.status_code == 403  # and without a token nothing is saved
    resent = await ada.submit(f"{path}/edit", f"{path}/edit", fields("My title", "10:00", "11:00", version="2"))
    assert resent.status_code == 303
    assert "My title" in (await ada.open(path)).text


async def test_an_invitee_answers_on_the_event_page_and_sees_everyones_answers(person: Visitors) -> None:
    ada, _ = await person("ada")
    bob, bob_email = await person("bob")
    invitation = fields("Planning", "10:00", "11:00", participants=bob_email)
    path = (await ada.submit("/events/new", "/events/new", invitation)).headers["location"]

    answered = await bob.submit(path, f"{path}/response", {"status": "tentative"})
    page = await ada.open(path)

    assert answered.status_code == 303
    assert re.search(r"Bob</span>.*?status-tentative", page.text, re.S)


async def test_an_invitation_reaches_the_notifications_page_and_can_be_marked_read(
    person: Visitors, worker: None
) -> None:
    ada, _ = await person("ada")
    bob, bob_email = await person("bob")
    await ada.submit("/events/new", "/events/new", fields("Planning", "10:00", "11:00", participants=bob_email))

    async def unread() -> int:
        return int((await bob.api("GET", "/api/notifications/unread-count")).json()["count"])

    async def told() -> bool:
        return await unread() == 1

    await wait_for(told, timeout=10, what="bob's invitation")
    home = await bob.open("/")
    listed = await bob.open("/notifications")
    notification = re.search(r'action="(/notifications/[0-9a-f-]{36}/read)"', listed.text)

    assert re.search(r'id="unread-count"[^>]*>1<', home.text)
    assert "Invitation: Planning" in listed.text
    assert notification
    assert (await bob.submit("/notifications", notification.group(1), {})).status_code == 303
    assert await unread() == 0
    assert re.search(r'id="unread-count"[^>]*>0<', (await bob.open("/notifications")).text)


async def test_the_rooms_board_shows_todays_bookings_without_others_titles(person: Visitors) -> None:
    ada, _ = await person("ada")
    bob, _ = await person("bob")
    everest = await room(ada, "Everest", 8)
    await ada.submit("/events/new", "/events/new", fields("Secret board meeting", "10:00", "11:00", room_id=everest))

    adas, bobs = await ada.open(f"/rooms?date={DAY}"), await bob.open(f"/rooms?date={DAY}")

    assert "Secret board meeting" in adas.text
    assert "Everest" in bobs.text
    assert "11:00" in bobs.text
    assert "Secret board meeting" not in bobs.text
    assert "12:00&ndash;24:00" in bobs.text  # free for the rest of the day


async def test_hiding_a_calendar_hides_its_events_in_the_week(person: Visitors) -> None:
    ada, _ = await person("ada")
    created = await ada.submit("/events/new", "/events/new", fields("Planning", "10:00", "11:00"))
    assert created.status_code == 303
    calendar = (await ada.api("GET", "/api/calendars")).json()["items"][0]["id"]

    shown = await ada.open(f"/?date={DAY}")
    hidden = await ada.open(f"/?date={DAY}&hide={calendar}")
    day = await ada.open(f"/day?date={DAY}")

    assert "Planning" in shown.text
    assert "Planning" in day.text
    assert "Planning" not in hidden.text
    assert day.text.count('class="day-head') == 1


async def test_without_google_settings_the_google_page_says_what_to_set(person: Visitors) -> None:
    ada, _ = await person("ada")

    page = await ada.open("/google")

    assert "not set up on this server" in page.text
    assert "GOOGLE_CLIENT_ID" in page.text
    assert 'href="/api/google/connect"' not in page.text


async def test_an_unknown_event_is_a_404_page(person: Visitors) -> None:
    ada, _ = await person("ada")

    page = await ada.open("/events/00000000-0000-0000-0000-000000000000")

    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]


async def test_the_administrator_adds_a_room_on_the_rooms_board_and_others_cannot(person: Visitors) -> None:
    ada, _ = await person("ada")  # the first to sign up administers planner
    bob, _ = await person("bob")

    added = await ada.submit("/rooms", "/rooms", {"name": "Everest", "capacity": "8", "location": "3rd floor"})
    invalid = await ada.submit("/rooms", "/rooms", {"name": "Tiny", "capacity": "0", "location": ""})
    refused = await bob.submit("/rooms", "/rooms", {"name": "Bob's room", "capacity": "4", "location": ""})

    assert added.status_code == 303
    assert "Everest" in (await bob.open("/rooms")).text
    assert invalid.status_code == 422
    assert 'id="capacity-error"' in invalid.text
    assert 'value="Tiny"' in invalid.text
    assert refused.status_code == 403
    assert "Add a room" not in (await bob.open("/rooms")).text
    assert [r["name"] for r in (await ada.api("GET", "/api/rooms")).json()["items"]] == ["Everest"]


async def test_an_invitee_cannot_open_the_edit_form(person: Visitors) -> None:
    ada, _ = await person("ada")
    bob, bob_email = await person("bob")
    invitation = fields("Planning", "10:00", "11:00", participants=bob_email)
    path = (await ada.submit("/events/new", "/events/new", invitation)).headers["location"]

    page = await bob.open(path)
    edit = await bob.open(f"{path}/edit")

    assert f'href="{path}/edit"' not in page.text
    assert edit.status_code == 403
    assert "text/html" in edit.headers["content-type"]


async def test_the_organizer_cancels_an_event_and_it_leaves_the_week(person: Visitors) -> None:
    ada, _ = await person("ada")
    path = (await ada.submit("/events/new", "/events/new", fields("Offsite", "10:00", "11:00"))).headers["location"]

    cancelled = await ada.submit(path, f"{path}/cancel", {})

    assert cancelled.status_code == 303
    assert "Offsite" not in (await ada.open(f"/?date={DAY}")).text
    assert "cancelled" in (await ada.open(path)).text
