"""Reading iCalendar files: what becomes an event or a series, what is skipped and why, what is refused."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from adapters.ics.reader import IcalendarReader
from domain.errors import InvalidInput
from domain.scheduling.calendar_file import CalendarFile, CalendarFileEvent, NotACalendarFile

CORPUS = Path(__file__).parents[2] / "fixtures" / "ics"


def ics(*lines: str) -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//planner tests//EN"]
    return "\r\n".join([*head, *lines, "END:VCALENDAR", ""]).encode()


def vevent(*lines: str, uid: str = "one@planner.test") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261201T000000Z", *lines, "END:VEVENT"]


def read(data: bytes) -> CalendarFile:
    return IcalendarReader().read(data)


def only(calendar: CalendarFile) -> CalendarFileEvent:
    assert len(calendar.events) == 1, calendar
    return calendar.events[0]


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"hello, world", "BEGIN:VCALENDAR"),
        (b"\x89PNG\r\n\x1a\n", "BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "END:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\n\xff\xfe\r\nEND:VCALENDAR\r\n", "UTF-8"),
    ],
)
def test_bytes_that_are_not_icalendar_are_refused_saying_why(data: bytes, why: str) -> None:
    with pytest.raises(NotACalendarFile) as refused:
        read(data)
    assert why in refused.value.detail
    assert isinstance(refused.value, InvalidInput)


def test_a_zoned_series_keeps_its_iana_zone_rule_exdates_and_rdates() -> None:
    event = read((CORPUS / "weekly_exceptions.ics").read_bytes()).events[0]
    assert event.timezone == "Europe/Berlin"
    assert event.times.starts_at == datetime(2027, 1, 4, 8, 30, tzinfo=UTC)
    assert event.recurrence is not None
    assert event.recurrence.rule == "FREQ=WEEKLY;COUNT=20;BYDAY=MO,WE"
    skipped = (datetime(2027, 1, 13, 8, 30, tzinfo=UTC), datetime(2027, 2, 1, 8, 30, tzinfo=UTC))
    assert event.recurrence.exdates == skipped
    assert event.recurrence.rdates == (datetime(2027, 1, 22, 13, 0, tzinfo=UTC),)
    assert (event.title, event.location) == ("Team sync", "Room Everest")


def test_duration_instead_of_dtend_gives_the_end() -> None:
    event = only(read(ics(*vevent("SUMMARY:Call", "DTSTART:20270305T140000Z", "DURATION:PT45M"))))
    assert event.times.ends_at == datetime(2027, 3, 5, 14, 45, tzinfo=UTC)
    assert event.timezone == "UTC"


def test_all_day_dates_stay_dates_with_an_exclusive_end() -> None:
    calendar = read((CORPUS / "all_day_multiday.ics").read_bytes())
    by_uid = {e.uid: e for e in calendar.events}
    assert (by_uid["conference@planner.test"].times.start_date, by_uid["conference@planner.test"].times.end_date) == (
        date(2027, 5, 17),
        date(2027, 5, 20),
    )
    assert by_uid["offsite@planner.test"].times.end_date == date(2027, 3, 3)
    assert by_uid["holiday@planner.test"].times.end_date == date(2027, 10, 4)
    on_call = by_uid["on-call@planner.test"]
    assert on_call.recurrence is not None
    assert on_call.recurrence.exdates == (date(2027, 4, 3),)
    assert [o.recurrence_id for o in on_call.overrides] == [datetime(2027, 4, 17, tzinfo=UTC)]


def test_moved_occurrences_are_overrides_and_cancelled_ones_exdates() -> None:
    event = only(read((CORPUS / "moved_occurrences.ics").read_bytes()))
    assert [(o.recurrence_id, o.title) for o in event.overrides] == [
        (datetime(2027, 3, 16, 13, 0, tzinfo=UTC), "Design review (afternoon)"),
        (datetime(2027, 3, 30, 13, 0, tzinfo=UTC), "Design review"),
    ]
    assert event.overrides[1].location == "Offsite"
    assert event.recurrence is not None
    assert event.recurrence.exdates == (datetime(2027, 4, 13, 13, 0, tzinfo=UTC),)
    assert event.sequence == 2


def test_x_wr_timezone_makes_googles_utc_series_repeat_in_that_zone() -> None:
    calendar = read((CORPUS / "google_export.ics").read_bytes())
    weekly = next(e for e in calendar.events if e.title == "Weekly 1:1")
    assert weekly.timezone == "Europe/Berlin"
    assert calendar.name == "Team Berlin"


def test_this_and_future_splits_the_series_at_that_occurrence() -> None:
    head, tail = [e for e in read((CORPUS / "this_and_future.ics").read_bytes()).events if e.uid.startswith("split-1")]
    assert head.recurrence is not None
    assert tail.recurrence is not None
    assert head.recurrence.rule == "FREQ=WEEKLY;COUNT=4"
    assert tail.recurrence.rule == "FREQ=WEEKLY;COUNT=4"
    assert tail.title == "Retro (new time)"
    assert tail.times.starts_at == datetime(2027, 2, 2, 15, 0, tzinfo=UTC)
    assert tail.uid.startswith("split-1@planner.test#")


def test_this_and_future_moving_a_weekly_series_to_another_day_moves_its_byday_and_until() -> None:
    head, tail = [e for e in read((CORPUS / "this_and_future.ics").read_bytes()).events if e.uid.startswith("split-2")]
    assert head.recurrence is not None
    assert tail.recurrence is not None
    assert head.recurrence.parts["UNTIL"] == "20270406T095959Z"
    assert tail.recurrence.parts == {"FREQ": "WEEKLY", "UNTIL": "20270603T103000Z", "BYDAY": "TH"}


def test_to_dos_and_journals_are_listed_as_skipped() -> None:
    calendar = read((CORPUS / "thunderbird_export.ics").read_bytes())
    assert [(s.uid, "VTODO" in s.reason) for s in calendar.skipped] == [("todo-7c1d2e3f@thunderbird", True)]
    assert len(calendar.events) == 3


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        (["DTSTART:20270301T090000Z", "RRULE:FREQ=DAILY;BYHOUR=9,15"], "BYHOUR is not supported"),
        (["DTSTART:20270301T090000Z", "RRULE:FREQ=HOURLY"], "FREQ must be one of"),
        (["DTSTART:20270301T090000Z", "RRULE:FREQ=DAILY", "EXRULE:FREQ=WEEKLY"], "EXRULE"),
        (["SUMMARY:No start"], "DTSTART"),
        (["DTSTART:20270301T090000Z", "STATUS:CANCELLED"], "cancelled"),
        (["DTSTART;TZID=Mars/Olympus:20270301T090000"], "Mars/Olympus"),
    ],
)
def test_an_event_that_cannot_be_imported_is_skipped_with_the_reason(lines: list[str], why: str) -> None:
    calendar = read(ics(*vevent(*lines, uid="bad@planner.test"), *vevent("SUMMARY:Fine", "DTSTART:20270301T090000Z")))
    assert [e.title for e in calendar.events] == ["Fine"]
    assert len(calendar.skipped) == 1
    assert calendar.skipped[0].uid == "bad@planner.test"
    assert why in calendar.skipped[0].reason


def test_an_occurrence_outside_its_rule_still_shows_as_an_extra_date() -> None:
    calendar = read(
        ics(
            *vevent("SUMMARY:Weekly", "DTSTART:20270301T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=3"),
            *vevent("SUMMARY:Odd one", "RECURRENCE-ID:20270303T090000Z", "DTSTART:20270303T100000Z", "DURATION:PT1H"),
        )
    )
    event = only(calendar)
    assert event.recurrence is not None
    assert event.recurrence.rdates == (datetime(2027, 3, 3, 9, 0, tzinfo=UTC),)


def test_outlooks_windows_zone_names_become_iana_zones_even_beside_their_vtimezone() -> None:
    calendar = read((CORPUS / "outlook_export.ics").read_bytes())
    zones = {e.title: e.timezone for e in calendar.events}
    assert zones["Jour fixe"] == "Europe/Berlin"
    assert zones["Call with the New York office"] == "America/New_York"
    assert calendar.skipped == ()


def test_a_vendor_prefixed_tzid_names_its_iana_zone() -> None:
    event = only(
        read(ics(*vevent("SUMMARY:Paris", "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Paris:20270301T090000")))
    )
    assert event.timezone == "Europe/Paris"
    assert event.times.starts_at == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def test_occurrences_without_their_series_are_single_events_but_a_cancelled_one_is_listed() -> None:
    calendar = read(
        ics(
            *vevent("SUMMARY:Shared one", "RECURRENCE-ID:20270303T090000Z", "DTSTART:20270303T100000Z", uid="lone"),
            *vevent(
                "SUMMARY:Gone",
                "RECURRENCE-ID:20270310T090000Z",
                "DTSTART:20270310T090000Z",
                "STATUS:CANCELLED",
                uid="gone",
            ),
        )
    )
    assert [(e.uid, e.title) for e in calendar.events] == [("lone", "Shared one")]
    assert [(s.uid, "cancelled" in s.reason) for s in calendar.skipped] == [("gone", True)]


@pytest.mark.parametrize(("transp", "read_as"), [("TRANSPARENT", "free"), ("OPAQUE", "busy"), (None, None)])
def test_transp_says_whether_the_event_takes_its_peoples_time(transp: str | None, read_as: str | None) -> None:
    lines = ["SUMMARY:Holiday", "DTSTART;VALUE=DATE:20270317", "DTEND;VALUE=DATE:20270318"]
    event = only(read(ics(*vevent(*lines, *([f"TRANSP:{transp}"] if transp else [])))))

    assert (event.transparency and event.transparency.value) == read_as
