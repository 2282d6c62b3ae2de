from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InvalidInput
from domain.scheduling.time_range import EVENT_MAX_LENGTH, WINDOW_MAX_LENGTH, TimeRange
from tests.unit.scheduling.factories import at, slot

PARIS = ZoneInfo("Europe/Paris")


def test_times_with_an_offset_are_kept_in_utc() -> None:
    plus_one = timezone(timedelta(hours=1))
    span = TimeRange(datetime(2026, 11, 23, 10, tzinfo=plus_one), datetime(2026, 11, 23, 11, tzinfo=plus_one))
    assert span.starts_at == at(9)
    assert span.starts_at.utcoffset() == timedelta(0)


def test_time_without_offset_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        TimeRange(datetime(2026, 11, 23, 10), at(11))
    assert refused.value.field == "starts_at"


@pytest.mark.parametrize("end_hour", [10, 9])
def test_range_must_end_after_it_starts(end_hour: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        TimeRange(at(10), at(end_hour))
    assert refused.value.field == "ends_at"


def test_event_may_last_up_to_the_maximum_but_not_longer() -> None:
    assert TimeRange.for_event(at(0), at(0) + EVENT_MAX_LENGTH).duration == EVENT_MAX_LENGTH
    with pytest.raises(InvalidInput):
        TimeRange.for_event(at(0), at(0) + EVENT_MAX_LENGTH + timedelta(minutes=1))


def test_window_is_bounded_and_its_errors_name_the_query_parameters() -> None:
    assert TimeRange.window(at(0), at(0) + WINDOW_MAX_LENGTH).duration == WINDOW_MAX_LENGTH
    with pytest.raises(InvalidInput) as too_long:
        TimeRange.window(at(0), at(0) + WINDOW_MAX_LENGTH + timedelta(seconds=1))
    with pytest.raises(InvalidInput) as backwards:
        TimeRange.window(at(10), at(9))
    with pytest.raises(InvalidInput) as naive:
        TimeRange.window(datetime(2026, 11, 23), at(9))
    assert (too_long.value.field, backwards.value.field, naive.value.field) == ("end", "end", "start")


def test_back_to_back_ranges_do_not_overlap() -> None:
    assert not slot(10, 11).overlaps(slot(11, 12))
    assert not slot(11, 12).overlaps(slot(10, 11))


@pytest.mark.parametrize(("start", "end"), [(9, 11), (10, 12), (10, 11), (9, 13), (10, 13)])
def test_ranges_sharing_an_instant_overlap(start: int, end: int) -> None:
    assert slot(10, 12).overlaps(slot(start, end))
    assert slot(start, end).overlaps(slot(10, 12))


def test_whole_days_widen_to_local_midnights() -> None:
    days = slot(10, 11).whole_days_in(PARIS)
    assert days.starts_at == datetime(2026, 11, 23, tzinfo=PARIS)
    assert days.ends_at == datetime(2026, 11, 24, tzinfo=PARIS)


def test_whole_days_keep_an_end_already_at_local_midnight() -> None:
    two_days = TimeRange(datetime(2026, 11, 23, tzinfo=PARIS), datetime(2026, 11, 25, tzinfo=PARIS))
    assert two_days.whole_days_in(PARIS) == two_days


def test_out_of_range_times_are_refused_not_crashed_on() -> None:
    with pytest.raises(InvalidInput):
        TimeRange(datetime.min.replace(tzinfo=timezone(timedelta(hours=1))), at(10))
