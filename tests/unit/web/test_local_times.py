"""Times shown on the pages: the repeated hour of a clock change says which of the two it is."""

from datetime import UTC, datetime

from entrypoints.web.rendering import environment


def shown(value: datetime, fmt: str = "%H:%M") -> str:
    return str(environment().filters["local"](value, "Europe/Berlin", fmt))


def test_the_two_half_past_twos_of_25_october_are_told_apart() -> None:
    assert shown(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == "02:30 CEST"
    assert shown(datetime(2026, 10, 25, 1, 30, tzinfo=UTC)) == "02:30 CET"


def test_other_times_and_dates_are_shown_plainly() -> None:
    assert shown(datetime(2026, 10, 25, 9, 0, tzinfo=UTC)) == "10:00"
    assert shown(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "%d %B") == "25 October"
