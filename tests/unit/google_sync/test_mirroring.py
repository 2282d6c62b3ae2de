"""Mirroring Google into planner, decided by the domain: read-only calendars, events kept as Google has them."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from domain.errors import InvalidInput, PermissionDenied
from domain.google_sync.mirroring import mirror_calendar, mirror_page
from domain.google_sync.model import MirroredCalendar, RemoteCalendar, RemoteEvent
from domain.scheduling.calendar import DEFAULT_COLOR, MAX_NAME_LENGTH, Calendar, CalendarChanges, CalendarRole
from domain.scheduling.domain_events import CalendarCreated, EventCreated, EventUpdated
from domain.scheduling.event import MAX_TITLE_LENGTH, MIRROR_MIN_LENGTH, MIRROR_UNTITLED, Event, EventChanges
from domain.scheduling.time_range import EVENT_MAX_LENGTH
from tests.unit.scheduling.factories import NOW, a_user, an_event, at

LATER = NOW + timedelta(hours=1)


def a_remote(**overrides: object) -> RemoteEvent:
    fields: dict[str, object] = {
        "id": "g1",
        "cancelled": False,
        "title": "Standup",
        "starts_at": at(9),
        "ends_at": at(10),
    }
    return RemoteEvent(**(fields | overrides))  # type: ignore[arg-type]


def a_mirror(**overrides: Any) -> tuple[Calendar, MirroredCalendar]:
    fields: dict[str, Any] = {"id": "work", "name": "Work", "time_zone": "Europe/Paris", "color": "#00AA00"}
    calendar, mirror = mirror_calendar(a_user(), RemoteCalendar(**(fields | overrides)), now=NOW)
    calendar.pull_events()
    return calendar, mirror


def test_a_mirrored_calendar_is_read_only_and_owned_by_the_person_it_mirrors_for() -> None:
    owner = a_user()
    calendar, mirror = mirror_calendar(owner, RemoteCalendar(id="work", name=" Work ", time_zone="UTC"), now=NOW)

    assert (calendar.read_only, calendar.owner_id, calendar.role_of(owner.id)) == (True, owner.id, CalendarRole.OWNER)
    assert (calendar.name, calendar.color) == ("Work", DEFAULT_COLOR)
    assert (mirror.calendar_id, mirror.user_id, mirror.google_calendar_id) == (calendar.id, owner.id, "work")
    assert [type(fact) for fact in calendar.pull_events()] == [CalendarCreated]
    assert calendar.can_read(owner.id)
    assert not calendar.can_write(owner.id)
    assert not calendar.can_manage(owner.id)


def test_a_blank_name_or_an_odd_color_from_google_falls_back_to_defaults() -> None:
    blank, _ = a_mirror(name="  ", color="red")
    long, _ = a_mirror(name="x" * 300, color="#ABCDEF")
    assert (blank.name, blank.color) == ("Google calendar", DEFAULT_COLOR)
    assert (long.name, long.color) == ("x" * MAX_NAME_LENGTH, "#abcdef")


def test_nobody_renames_or_shares_a_read_only_calendar() -> None:
    calendar, _ = a_mirror()
    with pytest.raises(PermissionDenied, match="read-only"):
        calendar.change(CalendarChanges(name="Mine"), by_user_id=calendar.owner_id, now=LATER)
    with pytest.raises(PermissionDenied, match="read-only"):
        calendar.share(a_user(), CalendarRole.VIEWER, by_user_id=calendar.owner_id, now=LATER)
    with pytest.raises(PermissionDenied, match="read-only"):
        calendar.delete(by_user_id=calendar.owner_id, now=LATER)


def test_nobody_edits_an_event_of_a_read_only_calendar_not_even_its_organizer_and_owner() -> None:
    calendar, mirror = a_mirror()
    event = Event.mirror(a_remote(), calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW)

    assert event.organizer_id == calendar.owner_id
    assert calendar.role_of(event.organizer_id) is CalendarRole.OWNER
    assert event.visible_to(event.organizer_id, calendar)
    assert not event.editable_by(event.organizer_id, calendar)
    with pytest.raises(PermissionDenied):
        event.ensure_editable_by(event.organizer_id, calendar)


def test_an_event_of_the_same_calendar_becomes_editable_again_only_through_its_read_only_attribute() -> None:
    calendar, mirror = a_mirror()
    event = Event.mirror(a_remote(), calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW)
    writable = replace(calendar, read_only=False)
    assert event.editable_by(event.organizer_id, writable)
    event.update(EventChanges(title="Mine"), by_user_id=event.organizer_id, now=LATER)


def test_a_mirrored_event_keeps_googles_length_beyond_planners_limit() -> None:
    _, mirror = a_mirror()
    leave = a_remote(title="Parental leave", starts_at=at(0), ends_at=at(0) + timedelta(days=400), all_day=True)

    event = Event.mirror(leave, calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW)

    assert event.time_range.duration == timedelta(days=400) > EVENT_MAX_LENGTH
    assert (event.title, event.all_day, event.reminders, event.participants, event.version) == (
        "Parental leave",
        True,
        (),
        [],
        1,
    )
    [created] = event.pull_events()
    assert isinstance(created, EventCreated)
    assert (created.event_id, created.calendar_id, created.ends_at) == (event.id, mirror.calendar_id, event.ends_at)


def test_a_mirrored_event_shows_what_google_holds_cut_to_planners_limits() -> None:
    _, mirror = a_mirror()
    untitled = Event.mirror(
        a_remote(title="  ", ends_at=at(9)), calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW
    )
    endless = Event.mirror(
        a_remote(title="t" * 300, ends_at=None), calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW
    )
    assert (untitled.title, untitled.time_range.duration) == (MIRROR_UNTITLED, MIRROR_MIN_LENGTH)
    assert (endless.title, endless.time_range.duration) == ("t" * MAX_TITLE_LENGTH, MIRROR_MIN_LENGTH)


def test_refreshing_from_an_unchanged_remote_changes_nothing() -> None:
    _, mirror = a_mirror()
    remote = a_remote()
    event = Event.mirror(remote, calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW)
    event.pull_events()

    assert event.refresh_from(remote, now=LATER) is False
    assert (event.version, event.updated_at, event.pending_events) == (1, NOW, ())


def test_refreshing_from_a_changed_remote_takes_it_over_and_records_what_changed() -> None:
    _, mirror = a_mirror()
    event = Event.mirror(a_remote(), calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW)
    event.pull_events()

    assert event.refresh_from(a_remote(title="Retro", ends_at=at(11)), now=LATER) is True

    assert (event.title, event.ends_at, event.version, event.updated_at) == ("Retro", at(11), 2, LATER)
    [updated] = event.pull_events()
    assert isinstance(updated, EventUpdated)
    assert (updated.changed_fields, updated.by_user_id, updated.affected_user_ids) == (
        ("title", "ends_at"),
        mirror.user_id,
        (),
    )


def test_a_page_adds_new_events_refreshes_changed_ones_and_removes_cancelled_ones() -> None:
    _, mirror = a_mirror()
    kept = Event.mirror(a_remote(id="kept"), calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW)
    moved = Event.mirror(a_remote(id="moved"), calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW)
    gone = Event.mirror(a_remote(id="gone"), calendar_id=mirror.calendar_id, owner_id=mirror.user_id, now=NOW)
    known = {"kept": kept, "moved": moved, "gone": gone}

    page = mirror_page(
        mirror,
        known,
        [
            a_remote(id="new", title="First word"),
            a_remote(id="new", title="Last word"),
            a_remote(id="kept"),
            a_remote(id="moved", starts_at=at(12), ends_at=at(13)),
            RemoteEvent(id="gone", cancelled=True),
            RemoteEvent(id="never seen", cancelled=True),
            RemoteEvent(id="no start", cancelled=False),
        ],
        now=LATER,
    )

    assert [(google_id, event.title) for google_id, event in page.added.items()] == [("new", "Last word")]
    assert page.refreshed == [moved]
    assert page.removed == [gone.id]
    assert page.stored == [page.added["new"], moved]
    assert page.applied == 4  # three live events (one of them unchanged) and one removal


def test_a_page_applied_twice_changes_nothing_the_second_time() -> None:
    _, mirror = a_mirror()
    events = [a_remote(id="a"), a_remote(id="b", starts_at=at(12), ends_at=at(13))]
    first = mirror_page(mirror, {}, events, now=NOW)

    again = mirror_page(mirror, first.added, events, now=LATER)

    assert (again.added, again.refreshed, again.removed, again.applied) == ({}, [], [], 2)
    assert all(event.version == 1 for event in first.added.values())


def test_an_event_planner_books_is_still_limited_in_length() -> None:
    with pytest.raises(InvalidInput):
        an_event(starts_at=at(0), ends_at=at(0) + EVENT_MAX_LENGTH + timedelta(minutes=1))
