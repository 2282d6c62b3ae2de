"""Working hours: each weekday's spans on the person's wall clock, across zones and clock changes."""

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.availability.working_hours import WEEKDAYS, WorkingHours, WorkingSpan
from domain.errors import InvalidInput
from domain.scheduling.time_range import TimeRange

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)
WEEK = TimeRange(MONDAY, MONDAY + timedelta(days=7))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def test_the_default_week_is_monday_to_friday_nine_to_five_in_the_persons_zone() -> None:
    spans = WorkingHours.default("Europe/Berlin").spans_in(WEEK)

    assert [(s.starts_at, s.ends_at) for s in spans] == [(at(d, 8), at(d, 16)) for d in range(5)]


def test_a_new_york_day_and_a_berlin_day_overlap_two_hours_in_winter() -> None:
    berlin = WorkingHours.default("Europe/Berlin").spans_in(WEEK)[0]
    new_york = WorkingHours.default("America/New_York").spans_in(WEEK)[0]

    assert (max(berlin.starts_at, new_york.starts_at), min(berlin.ends_at, new_york.ends_at)) == (at(0, 14), at(0, 16))


def test_working_hours_keep_their_wall_clock_time_across_a_clock_change() -> None:
    # Berlin leaves summer time on Sunday 25 October 2026.
    monday_before, monday_after = datetime(2026, 10, 19, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC)
    hours = WorkingHours.default("Europe/Berlin")

    before = hours.spans_in(TimeRange(monday_before, monday_before + timedelta(days=1)))[0]
    after = hours.spans_in(TimeRange(monday_after, monday_after + timedelta(days=1)))[0]

    assert before.starts_at.hour == 7
    assert after.starts_at.hour == 8


def test_a_late_shift_ending_at_midnight_ends_at_the_next_local_midnight() -> None:
    hours = WorkingHours.parse("UTC", {"sat": [["18:00", "24:00"]]})

    assert hours.spans_in(WEEK) == [TimeRange(at(5, 18), at(6, 0))]


def test_spans_are_clipped_to_the_window() -> None:
    window = TimeRange(at(0, 10), at(0, 12))

    assert WorkingHours.default("UTC").spans_in(window) == [window]


@pytest.mark.parametrize(
    ("days", "field"),
    [
        ({"mon": [["17:00", "09:00"]]}, "days.mon"),
        ({"mon": [["09:00", "25:00"]]}, "days.mon"),
        ({"mon": [["9am", "5pm"]]}, "days.mon"),
        ({"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}, "days.mon"),
        ({"monday": [["09:00", "17:00"]]}, "days"),
        ({"tue": [["09:00"]]}, "days.tue"),
    ],
)
def test_malformed_working_hours_are_refused_naming_the_day(days: dict[str, list[list[str]]], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        WorkingHours.parse("UTC", days)

    assert refused.value.field == field


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        WorkingHours.default("Mars/Olympus_Mons")

    assert refused.value.field == "timezone"


spans = st.tuples(st.integers(0, 24 * 60 - 1), st.integers(1, 24 * 60)).filter(lambda s: s[0] < s[1])
zones = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])


@given(
    zone=zones,
    day_spans=st.dictionaries(st.sampled_from(WEEKDAYS), spans, max_size=7),
    start=st.integers(0, 60 * 24 * 30),
    length=st.integers(1, 60 * 24 * 20),
)
def test_working_spans_lie_in_the_window_in_order_apart_and_on_the_days_set(
    zone: str, day_spans: dict[str, tuple[int, int]], start: int, length: int
) -> None:
    hours = WorkingHours(zone, {day: (WorkingSpan(*span),) for day, span in day_spans.items()})
    window = TimeRange(MONDAY + timedelta(minutes=start), MONDAY + timedelta(minutes=start + length))

    found = hours.spans_in(window)

    assert all(window.starts_at <= s.starts_at < s.ends_at <= window.ends_at for s in found)
    assert all(a.ends_at < b.starts_at for a, b in itertools.pairwise(found))
    for span in found:
        local = span.starts_at.astimezone(ZoneInfo(zone))
        # A span may begin at the window's start, mid-way through a day's working span.
        assert WEEKDAYS[local.weekday()] in day_spans or span.starts_at == window.starts_at
