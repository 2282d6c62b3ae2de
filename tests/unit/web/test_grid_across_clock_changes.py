"""The grid on the days clocks change: events drawn by the time that elapses, in the viewer's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from entrypoints.web.week import Day, Grid, lay_out, week_start
from tests.unit.scheduling.factories import an_event

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
CLOCKS_BACK = date(2026, 10, 25)  # 25 hours in Berlin: 02:00-03:00 comes twice
CLOCKS_FORWARD = date(2027, 3, 28)  # 23 hours in Berlin: no 02:00


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def week_of(day: date) -> list[date]:
    return [week_start(day) + timedelta(days=i) for i in range(7)]


def day_of(grid: Grid, day: date) -> Day:
    return next(d for d in grid.days if d.date == day)


def test_a_day_of_25_hours_has_25_rows_with_the_repeated_hour_twice() -> None:
    grid = lay_out([], [CLOCKS_BACK], BERLIN, today=CLOCKS_BACK)

    assert [(r.label, r.note) for r in grid.rows[1:5]] == [
        ("01:00", ""),
        ("02:00", "CEST"),
        ("02:00", "CET"),
        ("03:00", ""),
    ]
    assert len(grid.rows) == 25
    assert grid.days[0].gaps == []


def test_a_day_of_23_hours_has_no_row_for_the_skipped_hour() -> None:
    grid = lay_out([], [CLOCKS_FORWARD], BERLIN, today=CLOCKS_FORWARD)

    assert [r.hour for r in grid.rows] == [0, 1, *range(3, 24)]


def test_the_repeated_hour_does_not_overlap_itself() -> None:
    summer = an_event(title="summer", starts_at=utc(2026, 10, 25, 0, 15), ends_at=utc(2026, 10, 25, 0, 45))
    winter = an_event(title="winter", starts_at=utc(2026, 10, 25, 1, 15), ends_at=utc(2026, 10, 25, 1, 45))

    (day,) = lay_out([summer, winter], [CLOCKS_BACK], BERLIN, today=CLOCKS_BACK).days

    placed = {p.event.title: p for p in day.placed}
    assert [(p.column, p.columns) for p in placed.values()] == [(0, 1), (0, 1)]
    assert placed["winter"].top == pytest.approx(placed["summer"].top + 100 / 25)
    assert placed["summer"].top == pytest.approx(100 * 2.25 / 25)
    assert (placed["summer"].starts_label, placed["winter"].starts_label) == ("02:15 CEST", "02:15 CET")


def test_an_hour_across_the_repeated_hour_is_one_hour_tall() -> None:
    # 02:00 CEST to 02:00 CET: wall clock says zero minutes, an hour elapses.
    event = an_event(starts_at=utc(2026, 10, 25, 0), ends_at=utc(2026, 10, 25, 1))

    ((placed,),) = [d.placed for d in lay_out([event], [CLOCKS_BACK], BERLIN, today=CLOCKS_BACK).days]

    assert placed.height == pytest.approx(100 / 25)
    assert (placed.starts_label, placed.ends_label) == ("02:00 CEST", "02:00 CET")
    assert not placed.is_short


def test_an_hour_across_the_skipped_hour_is_one_hour_tall() -> None:
    # 01:30 CET to 03:30 CEST: wall clock says two hours, one elapses.
    event = an_event(starts_at=utc(2027, 3, 28, 0, 30), ends_at=utc(2027, 3, 28, 1, 30))

    ((placed,),) = [d.placed for d in lay_out([event], [CLOCKS_FORWARD], BERLIN, today=CLOCKS_FORWARD).days]

    assert placed.top == pytest.approx(100 * 1.5 / 23)
    assert placed.height == pytest.approx(100 / 23)
    assert (placed.starts_label, placed.ends_label) == ("01:30", "03:30")


def test_in_a_week_with_a_day_of_25_hours_the_other_days_show_the_extra_row_as_a_gap() -> None:
    grid = lay_out([], week_of(CLOCKS_BACK), BERLIN, today=CLOCKS_BACK)

    assert len(grid.rows) == 25
    assert day_of(grid, CLOCKS_BACK).gaps == []
    saturday = day_of(grid, CLOCKS_BACK - timedelta(days=1))
    assert [(g.top, g.height) for g in saturday.gaps] == [(pytest.approx(300 / 25), pytest.approx(100 / 25))]


def test_in_a_week_with_a_day_of_23_hours_that_day_shows_the_skipped_hour_as_a_gap() -> None:
    grid = lay_out([], week_of(CLOCKS_FORWARD), BERLIN, today=CLOCKS_FORWARD)

    assert len(grid.rows) == 24
    assert [(g.top, g.height) for g in day_of(grid, CLOCKS_FORWARD).gaps] == [(200 / 24, 100 / 24)]
    assert all(not d.gaps for d in grid.days if d.date != CLOCKS_FORWARD)


def test_a_nine_oclock_meeting_is_on_the_nine_oclock_row_every_day_of_a_week_with_a_clock_change() -> None:
    days = week_of(CLOCKS_BACK)
    meetings = [
        an_event(starts_at=datetime.combine(d, time(9), BERLIN), ends_at=datetime.combine(d, time(10), BERLIN))
        for d in days
    ]

    grid = lay_out(meetings, days, BERLIN, today=CLOCKS_BACK)

    nine = next(i for i, r in enumerate(grid.rows) if r.hour == 9)
    assert [p.top for d in grid.days for p in d.placed] == [pytest.approx(100 * nine / 25)] * 7


def test_a_berlin_holiday_is_on_its_own_date_for_a_viewer_in_new_york() -> None:
    # Made in Berlin: 17 March 2027, 00:00 to 24:00 Berlin time, i.e. 16 March 23:00Z to 17 March 23:00Z.
    holiday = an_event(
        all_day=True, timezone="Europe/Berlin", starts_at=utc(2027, 3, 16, 23), ends_at=utc(2027, 3, 17, 23)
    )

    grid = lay_out([holiday], week_of(date(2027, 3, 17)), NEW_YORK, today=date(2027, 3, 17))

    assert [d.date for d in grid.days if d.all_day] == [date(2027, 3, 17)]
    assert all(not d.placed for d in grid.days)


@pytest.mark.parametrize("viewer", ["Pacific/Auckland", "Asia/Tokyo", "UTC", "America/Los_Angeles", "Pacific/Honolulu"])
def test_a_three_day_all_day_event_shows_on_its_three_dates_in_every_zone(viewer: str) -> None:
    zone = ZoneInfo("Europe/Berlin")
    trip = an_event(
        all_day=True,
        timezone="Europe/Berlin",
        starts_at=datetime(2027, 3, 16, tzinfo=zone),
        ends_at=datetime(2027, 3, 19, tzinfo=zone),
    )

    grid = lay_out([trip], week_of(date(2027, 3, 17)), ZoneInfo(viewer), today=date(2027, 3, 17))

    assert [d.date.day for d in grid.days if d.all_day] == [16, 17, 18]


def test_all_day_dates_given_by_the_event_win_over_its_instants() -> None:
    class Dated:
        def __init__(self) -> None:
            self.inner = an_event(all_day=True, timezone="UTC", starts_at=utc(2027, 3, 1), ends_at=utc(2027, 3, 2))
            self.time_range = self.inner.time_range
            self.all_day = True
            self.timezone = "UTC"
            self.start_date = date(2027, 3, 2)
            self.end_date = date(2027, 3, 4)

    grid = lay_out([Dated()], week_of(date(2027, 3, 1)), UTC, today=date(2027, 3, 1))  # type: ignore[arg-type]

    assert [d.date.day for d in grid.days if d.all_day] == [2, 3]


def test_in_the_week_an_hour_across_the_skipped_hour_is_drawn_around_the_gap_one_hour_in_all() -> None:
    event = an_event(starts_at=utc(2027, 3, 28, 0, 30), ends_at=utc(2027, 3, 28, 1, 30))

    grid = lay_out([event], week_of(CLOCKS_FORWARD), BERLIN, today=CLOCKS_FORWARD)

    (placed,) = day_of(grid, CLOCKS_FORWARD).placed
    assert (placed.top, placed.height) == (pytest.approx(100 * 1.5 / 24), pytest.approx(100 * 0.5 / 24))
    assert [(b.top, b.height) for b in placed.continued] == [(pytest.approx(300 / 24), pytest.approx(50 / 24))]
    assert placed.is_short  # its first piece has room for one line only


def test_on_an_ordinary_day_of_that_week_two_hours_go_around_the_other_days_repeated_hour() -> None:
    saturday = CLOCKS_BACK - timedelta(days=1)
    event = an_event(
        starts_at=datetime.combine(saturday, time(1, 30), BERLIN),
        ends_at=datetime.combine(saturday, time(3, 30), BERLIN),
    )

    grid = lay_out([event], week_of(CLOCKS_BACK), BERLIN, today=CLOCKS_BACK)

    (placed,) = day_of(grid, saturday).placed
    pieces = [(placed.top, placed.height), *((b.top, b.height) for b in placed.continued)]
    assert pieces == [
        (pytest.approx(150 / 25), pytest.approx(150 / 25)),
        (pytest.approx(400 / 25), pytest.approx(50 / 25)),
    ]
