"""Ranked meeting times, checked against what they promise for any busy weeks, working hours and rooms."""

import itertools
from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.availability.busy import BusyBlock, BusyStatus, busy_pieces
from domain.availability.suggestions import (
    STEP,
    Attendee,
    MeetingRequest,
    Preference,
    RoomSchedule,
    Unavailability,
    suggest,
)
from domain.availability.working_hours import WorkingHours
from domain.errors import InvalidInput
from domain.scheduling.room import Room
from domain.scheduling.time_range import TimeRange, from_micros

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
WEEK = TimeRange(MONDAY, MONDAY + timedelta(days=5))
HOUR = timedelta(hours=1)
REASON_OF = {
    BusyStatus.BUSY: Unavailability.BUSY,
    BusyStatus.TENTATIVE: Unavailability.TENTATIVE,
    BusyStatus.OUT_OF_OFFICE: Unavailability.OUT_OF_OFFICE,
}


def at(day: int, hour: float) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


def person(email: str, zone: str, *busy: tuple[datetime, datetime], required: bool = True) -> Attendee:
    blocks = [BusyBlock(TimeRange(s, e), BusyStatus.BUSY) for s, e in busy]
    return Attendee(email, busy_pieces(blocks), WorkingHours.default(zone).spans_in(WEEK), required)


def room(name: str, capacity: int, *booked: tuple[datetime, datetime]) -> RoomSchedule:
    made = Room(id=uuid4(), name=name, capacity=capacity, created_at=MONDAY)
    return RoomSchedule(made, [TimeRange(s, e).micros for s, e in booked])


def blocks_of(attendee: Attendee) -> list[BusyBlock]:
    """The attendee's busy pieces back as blocks of datetimes, for the checks worked out the slow way."""
    return [BusyBlock(TimeRange(from_micros(s), from_micros(e)), status) for s, e, status in attendee.busy]


def booked_of(schedule: RoomSchedule) -> list[TimeRange]:
    return [TimeRange(from_micros(s), from_micros(e)) for s, e in schedule.booked]


def test_a_berlin_new_york_meeting_lands_in_the_overlap_of_their_working_days() -> None:
    request = MeetingRequest(window=WEEK, duration=HOUR)

    first = suggest(request, [person("a", "Europe/Berlin"), person("b", "America/New_York")], [])[0]

    assert first.time_range == TimeRange(at(0, 14), at(0, 15))
    assert first.free == ("a", "b")


def test_a_busy_hour_moves_the_first_suggestion_past_it() -> None:
    request = MeetingRequest(window=WEEK, duration=HOUR)
    ada = person("ada", "UTC", (at(0, 9), at(0, 10)))

    assert suggest(request, [ada], [])[0].time_range.starts_at == at(0, 10)


def test_a_room_is_required_then_only_slots_with_a_free_room_big_enough_are_offered() -> None:
    request = MeetingRequest(window=WEEK, duration=HOUR, seats=4, room_required=True)
    small = room("Huddle", 2)
    big = room("Everest", 8, (at(0, 9), at(0, 11)))

    first = suggest(request, [person("ada", "UTC")], [small, big])[0]

    assert first.time_range.starts_at == at(0, 11)
    assert [r.name for r in first.rooms] == ["Everest"]


def test_when_nobody_can_meet_together_the_least_bad_slots_come_first_with_reasons() -> None:
    request = MeetingRequest(window=TimeRange(at(0, 0), at(1, 0)), duration=HOUR, limit=3)
    ada = person("ada", "UTC", (at(0, 9), at(0, 17)))

    found = suggest(request, [ada, person("bob", "UTC")], [])

    assert all(s.unavailable for s in found)
    assert dict(found[0].unavailable) == {"ada": Unavailability.BUSY}


def test_optional_people_missing_rank_below_everyone_but_above_a_required_person_missing() -> None:
    window = TimeRange(at(0, 9), at(0, 12))
    request = MeetingRequest(window=window, duration=HOUR)
    ada = person("ada", "UTC", (at(0, 9), at(0, 10)))
    bob = person("bob", "UTC", (at(0, 10), at(0, 12)), required=False)

    found = suggest(request, [ada, bob], [])

    assert [s.time_range.starts_at for s in found] == [at(0, 10), at(0, 11), at(0, 9)]
    assert dict(found[0].unavailable) == {"bob": Unavailability.BUSY}
    assert dict(found[-1].unavailable) == {"ada": Unavailability.BUSY}


def test_an_afternoon_preference_puts_the_afternoon_first_among_equals() -> None:
    request = MeetingRequest(window=TimeRange(at(0, 0), at(1, 0)), duration=HOUR, prefer=Preference.AFTERNOON)

    assert suggest(request, [person("ada", "UTC")], [])[0].time_range.starts_at == at(0, 12)


@pytest.mark.parametrize(
    ("window", "duration", "field"),
    [
        (TimeRange(MONDAY, MONDAY + timedelta(days=63)), HOUR, "end"),
        (WEEK, timedelta(minutes=4), "duration_minutes"),
        (TimeRange(at(0, 9), at(0, 10)), 2 * HOUR, "duration_minutes"),
    ],
)
def test_a_request_beyond_the_limits_is_refused_naming_the_field(
    window: TimeRange, duration: timedelta, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        MeetingRequest(window=window, duration=duration)

    assert refused.value.field == field


# Properties: any weeks, any working hours, any rooms.

minutes = st.integers(0, 3 * 24 * 60)
statuses = st.sampled_from(list(BusyStatus))


@st.composite
def spans(draw: st.DrawFn, max_size: int) -> list[TimeRange]:
    found = []
    for start, length in draw(st.lists(st.tuples(minutes, st.integers(1, 600)), max_size=max_size)):
        found.append(TimeRange(MONDAY + timedelta(minutes=start), MONDAY + timedelta(minutes=start + length)))
    return found


@st.composite
def attendees(draw: st.DrawFn) -> list[Attendee]:
    count = draw(st.integers(1, 5))
    people = []
    for n in range(count):
        busy = [BusyBlock(span, draw(statuses)) for span in draw(spans(6))]
        working = sorted(draw(spans(4)), key=lambda s: s.starts_at)
        disjoint: list[TimeRange] = []
        for span in working:  # working spans as WorkingHours gives them: apart, in order
            if disjoint and span.starts_at <= disjoint[-1].ends_at:
                disjoint[-1] = TimeRange(disjoint[-1].starts_at, max(disjoint[-1].ends_at, span.ends_at))
            else:
                disjoint.append(span)
        people.append(Attendee(f"p{n}@example.com", busy_pieces(busy), disjoint, draw(st.booleans())))
    return people


@st.composite
def room_schedules(draw: st.DrawFn) -> list[RoomSchedule]:
    return [
        RoomSchedule(
            Room(id=uuid4(), name=f"R{n}", capacity=draw(st.integers(1, 8)), created_at=MONDAY),
            [span.micros for span in draw(spans(4))],
        )
        for n in range(draw(st.integers(0, 3)))
    ]


@st.composite
def requests(draw: st.DrawFn) -> MeetingRequest:
    start = draw(st.integers(0, 2 * 24 * 60))
    length = draw(st.integers(5, 2 * 24 * 60))
    window = TimeRange(MONDAY + timedelta(minutes=start), MONDAY + timedelta(minutes=start + length))
    return MeetingRequest(
        window=window,
        duration=timedelta(minutes=draw(st.integers(5, min(length, 300)))),
        seats=draw(st.integers(1, 6)),
        room_required=draw(st.booleans()),
        limit=draw(st.integers(1, 12)),
        prefer=draw(st.sampled_from(list(Preference))),
        asker_zone=draw(st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"])),
    )


def overlapping(spans: list[TimeRange], slot: TimeRange) -> bool:
    return any(span.overlaps(slot) for span in spans)


def inside(spans: list[TimeRange], slot: TimeRange) -> bool:
    return any(span.starts_at <= slot.starts_at and slot.ends_at <= span.ends_at for span in spans)


def oracle_rank(request: MeetingRequest, people: list[Attendee], slot: TimeRange) -> tuple[object, ...]:
    """The rank of a slot worked out the slow way, interval by interval."""
    off = [
        p
        for p in people
        if overlapping([b.time_range for b in blocks_of(p)], slot) or not inside(list(p.working), slot)
    ]
    outside = sum(not inside(list(p.working), slot) for p in people)
    local_hour = slot.starts_at.astimezone(ZoneInfo(request.asker_zone)).hour
    preferred = {
        Preference.EARLIEST: True,
        Preference.MORNING: local_hour < 12,
        Preference.AFTERNOON: local_hour >= 12,
    }[request.prefer]
    return (bool(off), any(p.required for p in off), outside, not preferred, slot.starts_at)


def room_free(schedule: RoomSchedule, request: MeetingRequest, slot: TimeRange) -> bool:
    return schedule.room.capacity >= request.seats and not overlapping(booked_of(schedule), slot)


@settings(max_examples=300, deadline=None)
@given(request=requests(), people=attendees(), rooms=room_schedules())
def test_suggestions_keep_every_promise(
    request: MeetingRequest, people: list[Attendee], rooms: list[RoomSchedule]
) -> None:
    found = suggest(request, people, rooms)
    by_email = {p.email: p for p in people}

    assert len(found) <= request.limit
    for suggestion in found:
        slot = suggestion.time_range
        assert request.window.starts_at <= slot.starts_at
        assert slot.ends_at <= request.window.ends_at
        assert slot.duration == request.duration
        assert sorted([*suggestion.free, *(e for e, _ in suggestion.unavailable)]) == sorted(by_email)
        for email in suggestion.free:
            assert not overlapping([b.time_range for b in blocks_of(by_email[email])], slot), "free, yet busy"
            assert inside(list(by_email[email].working), slot), "free, yet outside working hours"
        for email, reason in suggestion.unavailable:
            blocks = [b for b in blocks_of(by_email[email]) if b.time_range.overlaps(slot)]
            if reason is Unavailability.OUTSIDE_WORKING_HOURS:
                assert not blocks
                assert not inside(list(by_email[email].working), slot)
            else:
                assert any(REASON_OF[b.status] is reason for b in blocks)
        for offered in suggestion.rooms:
            assert room_free(next(r for r in rooms if r.room.id == offered.id), request, slot)
        if request.room_required:
            assert suggestion.rooms
        assert suggestion.rank == oracle_rank(request, people, slot)
    ranks = [s.rank for s in found]
    assert ranks == sorted(ranks), "not sorted as specified"
    for a, b in itertools.pairwise(found):
        assert not a.time_range.overlaps(b.time_range)


@settings(max_examples=150, deadline=None)
@given(request=requests(), people=attendees(), rooms=room_schedules())
def test_the_first_suggestion_is_the_best_slot_there_is(
    request: MeetingRequest, people: list[Attendee], rooms: list[RoomSchedule]
) -> None:
    found = suggest(request, people, rooms)
    candidates = []
    start = MONDAY
    while start + request.duration <= request.window.ends_at:
        slot = TimeRange(start, start + request.duration)
        if start >= request.window.starts_at and (
            not request.room_required or any(room_free(r, request, slot) for r in rooms)
        ):
            candidates.append(oracle_rank(request, people, slot))
        start += STEP

    assert (found[0].rank if found else None) == (min(candidates) if candidates else None)
