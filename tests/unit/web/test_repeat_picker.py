"""The repeat picker: its fields make RRULE text the core accepts, and a rule reads back into the same fields."""

from __future__ import annotations

from datetime import date

import pytest

from domain.scheduling.recurrence import Recurrence
from entrypoints.web.repeat import Repeat, RepeatInvalid, describe, monthly_labels, repeat_of

WEDNESDAY = date(2027, 3, 17)  # the third Wednesday of March 2027
LAST_FRIDAY = date(2027, 1, 29)


@pytest.mark.parametrize(
    ("repeat", "first", "rule"),
    [
        (Repeat(kind="daily"), WEDNESDAY, "FREQ=DAILY"),
        (Repeat(kind="weekdays"), WEDNESDAY, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        (Repeat(kind="weekly"), WEDNESDAY, "FREQ=WEEKLY;BYDAY=WE"),
        (Repeat(kind="weekly", days=["FR", "MO"]), WEDNESDAY, "FREQ=WEEKLY;BYDAY=MO,FR"),
        (Repeat(kind="monthly", monthly_by="day"), WEDNESDAY, "FREQ=MONTHLY;BYMONTHDAY=17"),
        (Repeat(kind="monthly", monthly_by="weekday"), WEDNESDAY, "FREQ=MONTHLY;BYDAY=3WE"),
        (Repeat(kind="monthly", monthly_by="last_weekday"), LAST_FRIDAY, "FREQ=MONTHLY;BYDAY=-1FR"),
        (Repeat(kind="yearly"), WEDNESDAY, "FREQ=YEARLY"),
        (Repeat(kind="custom", unit="WEEKLY", interval="2", days=["TU"]), WEDNESDAY, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        (Repeat(kind="custom", unit="DAILY", interval="3"), WEDNESDAY, "FREQ=DAILY;INTERVAL=3"),
        (Repeat(kind="weekly", ends="count", count="10"), WEDNESDAY, "FREQ=WEEKLY;BYDAY=WE;COUNT=10"),
        (Repeat(kind="daily", ends="until", until="2027-06-30"), WEDNESDAY, "FREQ=DAILY;UNTIL=20270630"),
    ],
)
def test_the_picker_makes_a_rule_the_core_accepts_and_reads_it_back(repeat: Repeat, first: date, rule: str) -> None:
    made = repeat.rule(first)

    assert made == rule
    assert Recurrence.of(made).rule == rule
    assert repeat_of(made, first).rule(first) == rule


def test_a_series_that_does_not_repeat_has_no_rule() -> None:
    assert Repeat().rule(WEDNESDAY) is None
    assert repeat_of(None, WEDNESDAY).kind == "none"


def test_monthly_on_the_third_wednesday_falls_on_the_third_wednesday_of_each_month() -> None:
    rule = Repeat(kind="monthly", monthly_by="weekday", ends="count", count="4").rule(WEDNESDAY)
    assert rule is not None

    dates = Recurrence.of(rule).date_starts(WEDNESDAY, before=date(2028, 1, 1))

    assert dates == [date(2027, 3, 17), date(2027, 4, 21), date(2027, 5, 19), date(2027, 6, 16)]


def test_every_weekday_until_a_date_includes_that_date() -> None:
    rule = Repeat(kind="weekdays", ends="until", until="2027-03-22").rule(WEDNESDAY)
    assert rule is not None

    dates = Recurrence.of(rule).date_starts(WEDNESDAY, before=date(2028, 1, 1))

    assert [d.day for d in dates] == [17, 18, 19, 22]


@pytest.mark.parametrize(
    ("repeat", "field"),
    [
        (Repeat(kind="custom", unit="WEEKLY", interval="0"), "repeat_interval"),
        (Repeat(kind="custom", unit="HOURLY", interval="2"), "repeat_unit"),
        (Repeat(kind="daily", ends="count", count="many"), "repeat_count"),
        (Repeat(kind="daily", ends="until", until="31/12/2027"), "repeat_until"),
        (Repeat(kind="daily", ends="until", until="2027-03-01"), "repeat_until"),
        (Repeat(kind="weekly", days=["XX"]), "repeat_days"),
        (Repeat(kind="fortnightly"), "repeat"),
    ],
)
def test_fields_that_make_no_rule_are_refused_naming_the_input(repeat: Repeat, field: str) -> None:
    with pytest.raises(RepeatInvalid) as refused:
        repeat.rule(WEDNESDAY)
    assert refused.value.field == field


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=DAILY;UNTIL=20270630T090000Z",
    ],
)
def test_a_rule_the_picker_cannot_show_is_kept_as_it_is(rule: str) -> None:
    repeat = repeat_of(rule, WEDNESDAY)

    assert (repeat.kind, repeat.rule(WEDNESDAY)) == ("kept", rule)


def test_rules_read_back_into_the_choices_people_made() -> None:
    assert repeat_of("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", WEDNESDAY).kind == "weekdays"
    weekly = repeat_of("FREQ=WEEKLY;COUNT=5;BYDAY=WE", WEDNESDAY)
    assert (weekly.kind, weekly.days, weekly.ends, weekly.count) == ("weekly", ["WE"], "count", "5")
    every_other = repeat_of("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", WEDNESDAY)
    assert (every_other.kind, every_other.unit, every_other.interval) == ("custom", "WEEKLY", "2")
    assert repeat_of("FREQ=MONTHLY;BYDAY=3WE", WEDNESDAY).monthly_by == "weekday"


def test_the_monthly_choices_are_worded_for_the_first_date() -> None:
    assert monthly_labels(WEDNESDAY) == {"day": "on day 17", "weekday": "on the third Wednesday"}
    assert monthly_labels(LAST_FRIDAY)["last_weekday"] == "on the last Friday"


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,FR;COUNT=10", "Every week on Monday and Friday, 10 times"),
        ("FREQ=MONTHLY;BYDAY=3WE", "Every month on the third Wednesday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270630", "Every weekday, until 30 June 2027"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Every 2 weeks on Tuesday"),
        ("FREQ=YEARLY", "Every year on 17 March"),
        ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1", "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1"),
    ],
)
def test_a_rule_is_said_in_words(rule: str, words: str) -> None:
    assert describe(rule, WEDNESDAY) == words
