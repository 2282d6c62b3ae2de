"""Reminders of a series: per occurrence, a window ahead, following answers, EXDATEs and moves; all-day by zone."""

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from domain.notifications.reminders import (
    REMINDER_LOOKAHEAD,
    Reminder,
    ReminderKey,
    ReminderOutcome,
    ReminderTimes,
    decide,
    plan_reminders,
)
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.recurrence import Recurrence
from tests.unit.scheduling.factories import NOW, a_user, an_event, an_invitee, at


def _planned(
    event: Event | None,
    existing: dict[ReminderKey, Reminder] | None = None,
    *,
    as_of: datetime = NOW,
    times: ReminderTimes | None = None,
) -> dict[ReminderKey, Reminder]:
    stored = dict(existing or {})
    changes = plan_reminders(event, stored.values(), as_of=as_of, times=times)
    for removed in changes.removals:
        del stored[removed.key]
    stored.update({reminder.key: reminder for reminder in changes.upserts})
    return stored


def _occurrences(stored: dict[ReminderKey, Reminder], user_id: UUID | None = None) -> list[datetime | None]:
    return sorted({r.recurrence_id for r in stored.values() if user_id is None or r.user_id == user_id})  # type: ignore[type-var]


def _daily_stand_up(**overrides: object) -> tuple[UUID, UUID, Event]:
    ada, bob = a_user(), a_user()
    fields: dict[str, object] = {
        "title": "Stand-up",
        "invitees": [an_invitee(bob)],
        "reminders": [15],
        "recurrence": Recurrence.of("FREQ=DAILY"),
    }
    stand_up = an_event(organizer=ada, **(fields | overrides))
    return ada.id, bob.id, stand_up


def test_a_series_without_end_is_reminded_only_of_the_occurrences_within_reach() -> None:
    ada, bob, stand_up = _daily_stand_up()

    stored = _planned(stand_up)

    # Reach: the longest offset (15 minutes) and two days past 07:00 on Monday.
    assert NOW + timedelta(minutes=15) + REMINDER_LOOKAHEAD < at(10, day=2)
    assert _occurrences(stored) == [at(10), at(10, day=1)]
    assert {(r.user_id, r.recurrence_id, r.due_at) for r in stored.values()} == {
        (person, day, day - timedelta(minutes=15)) for person in (ada, bob) for day in (at(10), at(10, day=1))
    }


def test_planning_later_rolls_the_window_forward_and_forgets_occurrences_that_are_over() -> None:
    _, _, stand_up = _daily_stand_up()
    stored = _planned(stand_up)

    stored = _planned(stand_up, stored, as_of=at(12, day=1))

    assert _occurrences(stored) == [at(10, day=2), at(10, day=3)]


def test_planning_a_series_twice_changes_nothing_and_keeps_what_was_sent() -> None:
    ada, _, stand_up = _daily_stand_up()
    stored = _planned(stand_up)
    first = stored[(stand_up.id, at(10), ada, 15)]
    stored[first.key] = Reminder(
        event_id=first.event_id,
        recurrence_id=first.recurrence_id,
        user_id=ada,
        minutes=15,
        due_at=first.due_at,
        sent_at=at(9, 45),
    )

    assert not plan_reminders(stand_up, stored.values(), as_of=NOW)
    later = plan_reminders(stand_up, stored.values(), as_of=at(9, 50))
    assert first.key not in {r.key for r in (*later.upserts, *later.removals)}


def test_someone_who_declined_one_occurrence_is_not_reminded_of_it_but_of_the_others() -> None:
    _, bob, stand_up = _daily_stand_up()
    stored = _planned(stand_up)

    stand_up.respond(bob, ParticipantStatus.DECLINED, now=NOW, recurrence_id=at(10, day=1))
    stored = _planned(stand_up, stored)

    assert _occurrences(stored, bob) == [at(10)]
    assert (
        decide(
            Reminder(
                event_id=stand_up.id, recurrence_id=at(10, day=1), user_id=bob, minutes=15, due_at=at(9, 45, day=1)
            ),
            stand_up,
            now=at(9, 45, day=1),
        ).outcome
        is ReminderOutcome.DROP
    )


def test_a_cancelled_occurrence_has_no_reminder_and_one_already_due_is_dropped() -> None:
    ada, _, stand_up = _daily_stand_up()
    stored = _planned(stand_up)
    tomorrows = stored[(stand_up.id, at(10, day=1), ada, 15)]

    stand_up.cancel_occurrence(at(10, day=1), by_user_id=ada, now=NOW)

    assert _occurrences(_planned(stand_up, stored)) == [at(10)]
    assert decide(tomorrows, stand_up, now=at(9, 45, day=1)).outcome is ReminderOutcome.DROP


def test_a_moved_occurrence_is_reminded_at_its_new_time() -> None:
    ada, _, stand_up = _daily_stand_up()
    stored = _planned(stand_up)
    tomorrows = stored[(stand_up.id, at(10, day=1), ada, 15)]

    stand_up.update_occurrence(
        at(10, day=1), EventChanges(starts_at=at(14, day=1), ends_at=at(15, day=1)), by_user_id=ada, now=NOW
    )
    stored = _planned(stand_up, stored)

    assert stored[tomorrows.key].due_at == at(13, 45, day=1)
    postponed = decide(tomorrows, stand_up, now=at(9, 45, day=1))
    assert (postponed.outcome, postponed.due_at) == (ReminderOutcome.POSTPONE, at(13, 45, day=1))


def test_a_single_event_keeps_one_reminder_per_person_without_recurrence_id_however_far_ahead() -> None:
    summit = an_event(starts_at=at(10, day=60), ends_at=at(11, day=60), reminders=[15])

    stored = _planned(summit)

    assert _occurrences(stored) == [None]


def test_an_all_day_reminder_counts_from_the_time_of_day_in_each_persons_own_zone() -> None:
    berliner = a_user(timezone="Europe/Berlin")
    new_yorker = a_user(timezone="America/New_York")
    holiday = an_event(
        organizer=berliner,
        timezone="Europe/Berlin",
        start_date=date(2027, 3, 17),
        end_date=date(2027, 3, 18),
        invitees=[an_invitee(new_yorker)],
        reminders=[1440],
    )
    zones = {berliner.id: berliner.timezone, new_yorker.id: new_yorker.timezone}

    stored = _planned(holiday, as_of=datetime(2027, 3, 10, tzinfo=UTC), times=ReminderTimes(zones=zones))

    # A day before 09:00 on 17 March: 09:00 on 16 March, CET (UTC+1) in Berlin, EDT (UTC-4) in New York.
    assert {r.user_id: r.due_at for r in stored.values()} == {
        berliner.id: datetime(2027, 3, 16, 8, tzinfo=UTC),
        new_yorker.id: datetime(2027, 3, 16, 13, tzinfo=UTC),
    }


def test_the_all_day_reminder_time_is_a_setting() -> None:
    person = a_user(timezone="UTC")
    holiday = an_event(
        organizer=person, timezone="UTC", start_date=date(2027, 3, 17), end_date=date(2027, 3, 18), reminders=[0]
    )

    stored = _planned(holiday, as_of=datetime(2027, 3, 10, tzinfo=UTC), times=ReminderTimes(all_day_time=time(7, 30)))

    assert [r.due_at for r in stored.values()] == [datetime(2027, 3, 17, 7, 30, tzinfo=UTC)]


def test_an_all_day_series_is_reminded_per_date() -> None:
    person = a_user(timezone="Europe/Berlin")
    jour_fixe = an_event(
        organizer=person,
        timezone="Europe/Berlin",
        start_date=date(2027, 3, 1),
        end_date=date(2027, 3, 2),
        reminders=[60],
        recurrence=Recurrence.of("FREQ=WEEKLY"),
    )

    stored = _planned(
        jour_fixe, as_of=datetime(2027, 3, 7, 12, tzinfo=UTC), times=ReminderTimes(zones={person.id: person.timezone})
    )

    assert [(r.recurrence_id, r.due_at) for r in stored.values()] == [
        (datetime(2027, 3, 8, tzinfo=UTC), datetime(2027, 3, 8, 7, tzinfo=UTC))
    ]
