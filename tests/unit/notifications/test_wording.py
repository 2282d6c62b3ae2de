"""Times, spans and lists in words."""

import pytest

from domain.notifications.wording import listing, moment, span
from tests.unit.scheduling.factories import at


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (15, "15 minutes"),
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (2880, "2 days"),
    ],
)
def test_spans_are_said_in_the_largest_units(minutes: int, said: str) -> None:
    assert span(minutes) == said


def test_lists_read_like_a_sentence() -> None:
    assert [listing([]), listing(["time"]), listing(["time", "room"]), listing(["time", "room", "title"])] == [
        "",
        "time",
        "time and room",
        "time, room and title",
    ]


def test_a_moment_is_shown_on_the_readers_clock_and_an_unknown_zone_falls_back_to_utc() -> None:
    assert moment(at(23, day=1), "Asia/Tokyo") == "Wed 25 Nov 08:00 (Asia/Tokyo)"
    assert moment(at(9), "Mars/Olympus_Mons") == "Mon 23 Nov 09:00 (UTC)"
