"""An occurrence's revision (its ETag) and how a series goes on from one of its occurrences."""

from datetime import datetime

import pytest

from domain.errors import NotFound, StaleVersion
from domain.scheduling.event import EventChanges
from domain.scheduling.participant import Invitee, ParticipantStatus
from tests.unit.scheduling.factories import NOW, a_user
from tests.unit.scheduling.test_recurrence import BERLIN, a_series, utc

FIRST, SECOND, THIRD = utc("2027-03-15T09:00"), utc("2027-03-22T09:00"), utc("2027-03-29T08:00")


def test_a_change_to_another_occurrence_leaves_an_occurrences_revision_alone() -> None:
    series = a_series()
    first = series.occurrence(FIRST).revision

    series.update_occurrence(SECOND, EventChanges(title="Retro"), by_user_id=series.organizer_id, now=NOW)
    series.cancel_occurrence(THIRD, by_user_id=series.organizer_id, now=NOW)

    assert series.occurrence(FIRST).revision == first
    series.occurrence(FIRST).check_revision(first)


def test_a_change_to_the_occurrence_itself_or_to_the_whole_series_changes_its_revision() -> None:
    series = a_series()
    second = series.occurrence(SECOND).revision
    series.update_occurrence(SECOND, EventChanges(location="Room 4"), by_user_id=series.organizer_id, now=NOW)
    changed = series.occurrence(SECOND).revision
    assert changed != second
    with pytest.raises(StaleVersion):
        series.occurrence(SECOND).check_revision(second)

    series.update(EventChanges(title="Daily sync"), by_user_id=series.organizer_id, now=NOW)

    assert series.occurrence(SECOND).revision != changed
    series.occurrence(SECOND).check_revision(None)  # no precondition


def test_an_answer_for_one_date_changes_only_that_dates_revision() -> None:
    guest = a_user()
    series = a_series(invitees=[Invitee(user_id=guest.id, email=guest.email, name=guest.name)])
    first, second = series.occurrence(FIRST).revision, series.occurrence(SECOND).revision

    series.respond(guest.id, ParticipantStatus.DECLINED, now=NOW, recurrence_id=SECOND)

    assert series.occurrence(FIRST).revision == first
    assert series.occurrence(SECOND).revision != second


def test_the_series_goes_on_from_an_occurrence_with_the_count_left_and_the_later_exdates() -> None:
    series = a_series()
    series.cancel_occurrence(utc("2027-04-05T08:00"), by_user_id=series.organizer_id, now=NOW)

    following = series.recurrence_from(SECOND)

    assert following.count == 3
    assert following.exdates == (utc("2027-04-05T08:00"),)
    assert series.recurrence_from(FIRST) == series.recurrence
    with pytest.raises(NotFound):
        series.recurrence_from(datetime(2027, 3, 23, 10, tzinfo=BERLIN))
