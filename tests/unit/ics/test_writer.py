"""Writing iCalendar: what a feed or a download holds, and that import then export gives the same occurrences."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from adapters.ics.reader import IcalendarReader
from adapters.ics.writer import IcalendarWriter
from domain.scheduling.calendar_file import CalendarFileEvent, CalendarFileOverride, EventTimes
from domain.scheduling.recurrence import Recurrence
from domain.scheduling.transparency import Transparency
from tests.unit.ics.occurrences import oracle_occurrences, planner_occurrences

CORPUS = Path(__file__).parents[2] / "fixtures" / "ics"
WINDOW = (date(2024, 1, 1), date(2030, 1, 1))
STAMP = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def unfolded(data: bytes) -> str:
    return re.sub(r"\r\n[ \t]", "", data.decode())


def weekly_standup() -> CalendarFileEvent:
    return CalendarFileEvent(
        uid="0193a1b2-0000-7000-8000-000000000001",
        title="Stand-up",
        location="Everest",
        timezone="Europe/Berlin",
        times=EventTimes.timed(datetime(2027, 3, 15, 9, 0, tzinfo=UTC), datetime(2027, 3, 15, 10, 0, tzinfo=UTC)),
        recurrence=Recurrence.of(
            "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270430", exdates=[datetime(2027, 3, 22, 9, 0, tzinfo=UTC)]
        ),
        overrides=(
            CalendarFileOverride(
                recurrence_id=datetime(2027, 4, 5, 8, 0, tzinfo=UTC),
                title="Stand-up (moved)",
                times=EventTimes.timed(
                    datetime(2027, 4, 5, 12, 0, tzinfo=UTC), datetime(2027, 4, 5, 13, 0, tzinfo=UTC)
                ),
            ),
        ),
        sequence=4,
        stamp=STAMP,
    )


def test_a_series_is_written_in_its_zone_with_vtimezone_rrule_exdate_and_its_override() -> None:
    text = unfolded(IcalendarWriter().write([weekly_standup()], name="Team"))

    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin" in text
    assert "DTSTART;TZID=Europe/Berlin:20270315T100000" in text
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270430T215959Z;BYDAY=MO" in text
    assert "EXDATE;TZID=Europe/Berlin:20270322T100000" in text
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20270405T100000" in text
    assert text.count("UID:0193a1b2-0000-7000-8000-000000000001") == 2
    assert "SEQUENCE:4" in text
    assert "DTSTAMP:20261128T120000Z" in text
    assert "X-WR-CALNAME:Team" in text


def test_an_all_day_event_is_written_as_dates() -> None:
    holiday = CalendarFileEvent(
        uid="holiday", title="Holiday", times=EventTimes.dates(date(2027, 3, 17), date(2027, 3, 18)), stamp=STAMP
    )
    text = unfolded(IcalendarWriter().write([holiday]))

    assert "DTSTART;VALUE=DATE:20270317" in text
    assert "DTEND;VALUE=DATE:20270318" in text
    assert "VTIMEZONE" not in text


def test_what_is_written_reads_back_to_the_same_occurrences_for_recurring_ical_events() -> None:
    data = IcalendarWriter().write([weekly_standup()])

    assert planner_occurrences(IcalendarReader().read(data), *WINDOW) == oracle_occurrences(data, *WINDOW)
    assert ("Stand-up (moved)", "2027-04-05T12:00:00+00:00", "2027-04-05T13:00:00+00:00", "time") in (
        oracle_occurrences(data, *WINDOW)
    )


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.ics")), ids=lambda p: p.stem)
def test_import_then_export_gives_the_same_occurrences(path: Path) -> None:
    imported = IcalendarReader().read(path.read_bytes())

    exported = IcalendarWriter().write(list(imported.events))

    assert planner_occurrences(IcalendarReader().read(exported), *WINDOW) == planner_occurrences(imported, *WINDOW)
    assert oracle_occurrences(exported, *WINDOW) == oracle_occurrences(path.read_bytes(), *WINDOW)


def test_a_free_event_is_written_transparent_and_a_busy_one_opaque() -> None:
    def written(transparency: Transparency) -> str:
        event = CalendarFileEvent(
            uid="x",
            title="X",
            times=EventTimes.dates(date(2027, 3, 17), date(2027, 3, 18)),
            stamp=STAMP,
            transparency=transparency,
        )
        return unfolded(IcalendarWriter().write([event]))

    assert "TRANSP:TRANSPARENT" in written(Transparency.FREE)
    assert "TRANSP:OPAQUE" in written(Transparency.BUSY)
