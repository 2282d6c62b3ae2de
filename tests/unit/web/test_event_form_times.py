"""Times typed in the event form read in the chosen zone: a time the clocks skip is refused, a repeated one is
the first of the two."""

from __future__ import annotations

from datetime import UTC, datetime

from entrypoints.web.event_form import EventForm


def typed(starts: str, ends: str, **more: object) -> EventForm:
    return EventForm(title="Night shift", starts=starts, ends=ends, timezone="Europe/Berlin", reminders="", **more)  # type: ignore[arg-type]


def test_a_time_the_clocks_skip_is_refused_next_to_its_input() -> None:
    form = typed("2027-03-28T02:30", "2027-03-28T04:00")

    assert form.values() is None
    assert form.errors == {
        "starts": "02:30 does not exist on 28 March 2027 in Europe/Berlin: the clocks go forward that night."
        " Pick a time before or after the change."
    }


def test_a_time_that_happens_twice_is_the_first_of_the_two() -> None:
    values = typed("2026-10-25T02:30", "2026-10-25T04:00").values()

    assert values is not None
    assert values.event.starts_at is not None
    assert values.event.starts_at.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_an_all_day_event_on_the_night_the_clocks_change_is_accepted() -> None:
    values = typed("2027-03-28T02:30", "2027-03-28T02:30", all_day=True).values()

    assert values is not None
    assert (values.event.start_date, values.event.end_date) == (
        datetime(2027, 3, 28).date(),
        datetime(2027, 3, 29).date(),
    )
