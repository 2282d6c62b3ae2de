"""Recurrence rules and series in the domain: RFC 5545 as dateutil reads it, wall-clock time kept in the
series' zone, DTSTART first, EXDATE/RDATE, overrides that keep only what they change, and splits."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InvalidInput, NotFound
from domain.scheduling.domain_events import EventCancelled, EventCreated, EventUpdated
from domain.scheduling.event import Event, EventChanges, NewEvent
from domain.scheduling.participant import Invitee, ParticipantStatus
from domain.scheduling.recurrence import Recurrence
from tests.unit.scheduling.factories import NOW, a_user

BERLIN = ZoneInfo("Europe/Berlin")
FAR = datetime(2030, 1, 1, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def a_series(rule: str = "FREQ=WEEKLY;BYDAY=MO;COUNT=4", **overrides: object) -> Event:
    """A weekly stand-up at 10:00 Berlin from Monday 15 March 2027, across the clock change of the 28th."""
    organizer = a_user(timezone="Europe/Berlin")
    fields: dict[str, object] = {
        "title": "Stand-up",
        "starts_at": datetime(2027, 3, 15, 10, tzinfo=BERLIN),
        "ends_at": datetime(2027, 3, 15, 11, tzinfo=BERLIN),
        "timezone": "Europe/Berlin",
        "recurrence": Recurrence.of(rule),
    }
    new = NewEvent(**(fields | overrides))  # type: ignore[arg-type]
    return Event.create(new, calendar_id=organizer.id, organizer=organizer, now=NOW)


def starts(event: Event) -> list[str]:
    return [o.starts_at.isoformat()[:16] for o in event.occurrences(before=FAR)]


def test_a_weekly_series_keeps_ten_oclock_berlin_time_on_both_sides_of_the_clock_change() -> None:
    assert starts(a_series()) == ["2027-03-15T09:00", "2027-03-22T09:00", "2027-03-29T08:00", "2027-04-05T08:00"]


def test_dtstart_counts_as_the_first_occurrence_and_towards_count_even_off_the_rule() -> None:
    sunday_start = a_series(
        "FREQ=WEEKLY;BYDAY=MO;COUNT=3",
        starts_at=datetime(2027, 3, 14, 10, tzinfo=BERLIN),
        ends_at=datetime(2027, 3, 14, 11, tzinfo=BERLIN),
    )
    assert starts(sunday_start) == ["2027-03-14T09:00", "2027-03-15T09:00", "2027-03-22T09:00"]


@pytest.mark.parametrize(
    ("rule", "first", "expected"),
    [
        ("FREQ=MONTHLY;BYDAY=2TU;COUNT=3", datetime(2027, 1, 12, 9), ["2027-01-12", "2027-02-09", "2027-03-09"]),
        ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", datetime(2027, 1, 29, 9), ["2027-01-29", "2027-02-26", "2027-03-26"]),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=2", datetime(2028, 2, 29, 9), ["2028-02-29", "2032-02-29"]),
        ("FREQ=DAILY;INTERVAL=2;COUNT=3", datetime(2027, 1, 1, 9), ["2027-01-01", "2027-01-03", "2027-01-05"]),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=2",
            datetime(2027, 1, 29, 9),
            ["2027-01-29", "2027-02-26"],
        ),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;WKST=SU;COUNT=2", datetime(2027, 1, 5, 9), ["2027-01-05", "2027-01-19"]),
    ],
)
def test_rule_parts_expand_as_rfc_5545_says(rule: str, first: datetime, expected: list[str]) -> None:
    zone = ZoneInfo("America/New_York")
    found = Recurrence.of(rule).timed_starts(first.replace(tzinfo=zone), zone, before=FAR + timedelta(days=3000))
    assert [s.astimezone(zone).date().isoformat() for s in found] == expected


def test_until_in_utc_against_a_zoned_start_includes_the_occurrence_it_names() -> None:
    series = a_series("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270329T080000Z")
    assert starts(series) == ["2027-03-15T09:00", "2027-03-22T09:00", "2027-03-29T08:00"]


def test_a_date_only_until_includes_its_whole_day() -> None:
    assert len(a_series("FREQ=DAILY;UNTIL=20270317").occurrences(before=FAR)) == 3


def test_exdates_skip_and_rdates_add_occurrences() -> None:
    recurrence = Recurrence.of(
        "FREQ=WEEKLY;BYDAY=MO;COUNT=3", exdates=[utc("2027-03-22T09:00")], rdates=[utc("2027-03-24T09:00")]
    )
    assert starts(a_series(recurrence=recurrence)) == ["2027-03-15T09:00", "2027-03-24T09:00", "2027-03-29T08:00"]


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ("FREQ=SOMETIMES", "FREQ"),
        ("BYDAY=MO", "FREQ"),
        ("FREQ=WEEKLY;BYDAY=MO;BYDAY=TU", "BYDAY"),
        ("FREQ=WEEKLY;BYDAY=2MO", "BYDAY"),
        ("FREQ=MONTHLY;BYDAY=6MO", "BYDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH"),
        ("FREQ=DAILY;COUNT=2;UNTIL=20270101", "UNTIL"),
        ("FREQ=DAILY;UNTIL=2027", "UNTIL"),
        ("FREQ=DAILY;INTERVAL=-1", "INTERVAL"),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR"),
        ("FREQ=DAILY;COLOUR=RED", "COLOUR"),
        ("FREQ=DAILY;WKST=XX", "WKST"),
        ("FREQ", "FREQ"),
        ("", "empty"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_part_that_is_wrong(rule: str, named: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Recurrence.of(rule)
    assert refused.value.field == "recurrence.rule"
    assert named in str(refused.value)


def test_cancelling_an_occurrence_adds_an_exdate_and_tells_its_date() -> None:
    series = a_series()
    series.pull_events()
    second = utc("2027-03-22T09:00")

    series.cancel_occurrence(second, by_user_id=series.organizer_id, now=NOW)

    assert starts(series) == ["2027-03-15T09:00", "2027-03-29T08:00", "2027-04-05T08:00"]
    assert series.recurrence is not None
    assert series.recurrence.exdates == (second,)
    [cancelled] = series.pull_events()
    assert isinstance(cancelled, EventCancelled)
    assert cancelled.recurrence_id == second
    with pytest.raises(NotFound):
        series.occurrence(second)


def test_an_override_keeps_only_what_it_changed_when_the_whole_series_changes() -> None:
    series = a_series()
    second = utc("2027-03-22T09:00")
    series.update_occurrence(second, EventChanges(title="Retro"), by_user_id=series.organizer_id, now=NOW)

    series.update(EventChanges(location="Room 4", title="Daily"), by_user_id=series.organizer_id, now=NOW)

    shown = [(o.title, o.location, o.is_override) for o in series.occurrences(before=FAR)]
    daily = ("Daily", "Room 4", False)
    assert shown == [daily, ("Retro", "Room 4", True), daily, daily]


def test_moving_a_weekly_series_to_another_day_moves_its_day_overrides_and_exdates_with_it() -> None:
    series = a_series()
    series.update_occurrence(
        utc("2027-03-22T09:00"), EventChanges(title="Retro"), by_user_id=series.organizer_id, now=NOW
    )
    series.cancel_occurrence(utc("2027-03-29T08:00"), by_user_id=series.organizer_id, now=NOW)

    series.update(
        EventChanges(
            starts_at=datetime(2027, 3, 16, 10, tzinfo=BERLIN), ends_at=datetime(2027, 3, 16, 11, tzinfo=BERLIN)
        ),
        by_user_id=series.organizer_id,
        now=NOW,
    )

    assert [(o.starts_at.isoformat()[:16], o.title) for o in series.occurrences(before=FAR)] == [
        ("2027-03-16T09:00", "Stand-up"),
        ("2027-03-23T09:00", "Retro"),
        ("2027-04-06T08:00", "Stand-up"),
    ]


def test_only_an_occurrences_own_fields_change_on_their_own() -> None:
    series = a_series()
    with pytest.raises(InvalidInput) as refused:
        series.update_occurrence(
            utc("2027-03-22T09:00"), EventChanges(reminders=[5]), by_user_id=series.organizer_id, now=NOW
        )
    assert refused.value.field == "reminders"


def test_a_split_ends_the_series_before_and_a_new_one_takes_the_rest_with_its_overrides_and_count() -> None:
    series = a_series()
    series.cancel_occurrence(utc("2027-03-22T09:00"), by_user_id=series.organizer_id, now=NOW)
    fourth = utc("2027-04-05T08:00")
    series.update_occurrence(
        fourth,
        EventChanges(
            starts_at=datetime(2027, 4, 5, 14, tzinfo=BERLIN), ends_at=datetime(2027, 4, 5, 15, tzinfo=BERLIN)
        ),
        by_user_id=series.organizer_id,
        now=NOW,
    )
    series.pull_events()

    following = series.split_at(utc("2027-03-29T08:00"), now=NOW)

    assert following is not None
    assert starts(series) == ["2027-03-15T09:00"]
    assert starts(following) == ["2027-03-29T08:00", "2027-04-05T12:00"]
    assert following.recurrence is not None
    assert following.recurrence.count == 2
    assert set(following.overrides) == {fourth}
    assert any(isinstance(e, EventCreated) for e in following.pull_events())


def test_splitting_at_the_first_occurrence_is_the_whole_series() -> None:
    series = a_series()
    assert series.split_at(utc("2027-03-15T09:00"), now=NOW) is None


def test_an_invitee_answers_one_occurrence_and_the_others_keep_the_series_answer() -> None:
    guest = a_user()
    series = a_series(invitees=[Invitee(user_id=guest.id, email=guest.email, name=guest.name)])
    series.respond(guest.id, ParticipantStatus.ACCEPTED, now=NOW)

    series.respond(guest.id, ParticipantStatus.DECLINED, now=NOW, recurrence_id=utc("2027-03-29T08:00"))

    answers = [o.participant(guest.id).status for o in series.occurrences(before=FAR)]  # type: ignore[union-attr]
    assert answers == [ParticipantStatus.ACCEPTED] * 2 + [ParticipantStatus.DECLINED, ParticipantStatus.ACCEPTED]
    assert not any(o.is_override for o in series.occurrences(before=FAR)), "an answer changes nothing a calendar shows"


def test_an_occurrence_change_is_told_with_its_recurrence_id() -> None:
    series = a_series()
    series.pull_events()
    series.update_occurrence(
        utc("2027-03-22T09:00"), EventChanges(title="Retro"), by_user_id=series.organizer_id, now=NOW
    )
    [updated] = series.pull_events()
    assert isinstance(updated, EventUpdated)
    assert (updated.recurrence_id, updated.title, updated.changed_fields) == (
        utc("2027-03-22T09:00"),
        "Retro",
        ("title",),
    )


def test_an_all_day_series_repeats_dates_in_its_zone() -> None:
    organizer = a_user(timezone="Europe/Berlin")
    holiday = Event.create(
        NewEvent(
            title="Holiday",
            start_date=date(2027, 3, 17),
            end_date=date(2027, 3, 19),
            timezone="Europe/Berlin",
            recurrence=Recurrence.of("FREQ=YEARLY;COUNT=2"),
        ),
        calendar_id=organizer.id,
        organizer=organizer,
        now=NOW,
    )
    assert [(o.start_date, o.end_date) for o in holiday.occurrences(before=FAR)] == [
        (date(2027, 3, 17), date(2027, 3, 19)),
        (date(2028, 3, 17), date(2028, 3, 19)),
    ]
    assert holiday.all_day


def test_an_all_day_event_needs_both_dates_ending_after_it_starts() -> None:
    organizer = a_user()
    for first, end in ((date(2027, 3, 17), None), (date(2027, 3, 17), date(2027, 3, 17))):
        with pytest.raises(InvalidInput):
            Event.create(
                NewEvent(title="Off", start_date=first, end_date=end),
                calendar_id=organizer.id,
                organizer=organizer,
                now=NOW,
            )
