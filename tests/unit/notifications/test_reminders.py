"""Reminders follow their event: who gets them, when, and what happens to one that came due."""

from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from domain.accounts.user import User
from domain.notifications.reminders import (
    Reminder,
    ReminderKey,
    ReminderOutcome,
    decide,
    event_with_changed_reminders,
    plan_reminders,
    reminded_people,
)
from domain.scheduling.domain_events import UserRegistered
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.participant import ParticipantStatus
from tests.unit.scheduling.factories import NOW, a_user, an_event, an_invitee, at


def _planned(
    event: Event | None, existing: list[Reminder] | None = None, *, as_of: datetime = NOW
) -> dict[ReminderKey, Reminder]:
    """The reminders stored after planning: existing ones changed as planned."""
    stored = {reminder.key: reminder for reminder in existing or []}
    changes = plan_reminders(event, stored.values(), as_of=as_of)
    for removed in changes.removals:
        del stored[removed.key]
    stored.update({reminder.key: reminder for reminder in changes.upserts})
    return stored


def _who_when(stored: dict[ReminderKey, Reminder]) -> set[tuple[UUID, int, datetime]]:
    return {(reminder.user_id, reminder.minutes, reminder.due_at) for reminder in stored.values()}


def _team() -> tuple[User, User, User, Event]:
    ada, bob, carol = a_user(), a_user(), a_user()
    planning = an_event(organizer=ada, invitees=[an_invitee(bob), an_invitee(carol)], reminders=[10, 60])
    return ada, bob, carol, planning


def test_the_organizer_and_every_participant_get_each_offset_before_the_start() -> None:
    ada, bob, carol, planning = _team()

    stored = _planned(planning)

    assert _who_when(stored) == {
        (person.id, minutes, at(10) - timedelta(minutes=minutes))
        for person in (ada, bob, carol)
        for minutes in (10, 60)
    }
    assert all(reminder.sent_at is None for reminder in stored.values())


def test_a_declined_participant_gets_no_reminder_and_gets_them_back_on_accepting_again() -> None:
    _, bob, _, planning = _team()
    stored = _planned(planning)

    planning.respond(bob.id, ParticipantStatus.DECLINED, now=NOW)
    stored = _planned(planning, list(stored.values()))
    assert bob.id not in {reminder.user_id for reminder in stored.values()}
    assert bob.id not in reminded_people(planning)

    planning.respond(bob.id, ParticipantStatus.ACCEPTED, now=NOW)
    stored = _planned(planning, list(stored.values()))
    assert {reminder.minutes for reminder in stored.values() if reminder.user_id == bob.id} == {10, 60}


def test_reminders_move_with_the_event_and_a_sent_one_is_armed_again_for_the_new_time() -> None:
    ada, _, _, planning = _team()
    stored = _planned(planning)
    an_hour_before = stored[(planning.id, None, ada.id, 60)]
    stored[an_hour_before.key] = replace(an_hour_before, sent_at=at(9))

    planning.update(EventChanges(starts_at=at(15), ends_at=at(16)), by_user_id=ada.id, now=at(9, 5))
    stored = _planned(planning, list(stored.values()), as_of=at(9, 5))

    assert {reminder.due_at for reminder in stored.values() if reminder.minutes == 60} == {at(14)}
    assert all(reminder.sent_at is None for reminder in stored.values())


def test_a_reminder_moved_into_the_past_by_the_change_is_not_sent() -> None:
    ada, _, _, planning = _team()
    stored = _planned(planning, as_of=at(8))

    # At 9:55 the meeting moves to 10:05: the 10-minute reminder (now due 9:55) still comes, the hour one does not.
    planning.update(EventChanges(starts_at=at(10, 5), ends_at=at(11)), by_user_id=ada.id, now=at(9, 55))
    stored = _planned(planning, list(stored.values()), as_of=at(9, 55))

    assert {reminder.minutes for reminder in stored.values()} == {10}


def test_an_event_created_too_late_for_an_offset_skips_that_reminder() -> None:
    planning = an_event(starts_at=at(10), ends_at=at(11), reminders=[5, 120])

    stored = _planned(planning, as_of=at(9))

    assert {reminder.minutes for reminder in stored.values()} == {5}


def test_an_overdue_reminder_that_was_planned_in_time_stays_to_be_sent_late() -> None:
    _, _, _, planning = _team()
    stored = _planned(planning, as_of=at(8))

    # Nothing ran from 8:00 to 9:58; a later plan (say, for an answer) keeps what is overdue.
    again = _planned(planning, list(stored.values()), as_of=at(9, 58))

    assert again == stored


def test_cancelling_the_event_or_its_end_removes_every_reminder() -> None:
    ada, _, _, planning = _team()
    stored = _planned(planning)

    assert _planned(planning, list(stored.values()), as_of=at(11)) == {}
    planning.cancel(by_user_id=ada.id, now=NOW)
    assert _planned(planning, list(stored.values())) == {}
    assert _planned(None, list(stored.values())) == {}


def test_planning_twice_changes_nothing() -> None:
    _, _, _, planning = _team()
    stored = _planned(planning)

    assert not plan_reminders(planning, stored.values(), as_of=NOW)


def test_a_due_reminder_is_sent_late_while_the_event_runs_and_dropped_once_it_is_over() -> None:
    ada, _, _, planning = _team()
    reminder = Reminder(event_id=planning.id, user_id=ada.id, minutes=10, due_at=at(9, 50))

    assert decide(reminder, planning, now=at(9, 50)).outcome is ReminderOutcome.SEND
    assert decide(reminder, planning, now=at(10, 30)).outcome is ReminderOutcome.SEND
    assert decide(reminder, planning, now=at(11)).outcome is ReminderOutcome.DROP


def test_a_due_reminder_follows_the_event_as_it_is_now() -> None:
    ada, bob, _, planning = _team()
    bobs = Reminder(event_id=planning.id, user_id=bob.id, minutes=10, due_at=at(9, 50))
    adas = replace(bobs, user_id=ada.id)

    planning.update(EventChanges(starts_at=at(12), ends_at=at(13)), by_user_id=ada.id, now=NOW)
    postponed = decide(adas, planning, now=at(9, 50))
    assert (postponed.outcome, postponed.due_at) == (ReminderOutcome.POSTPONE, at(11, 50))

    planning.respond(bob.id, ParticipantStatus.DECLINED, now=NOW)
    assert decide(bobs, planning, now=at(11, 50)).outcome is ReminderOutcome.DROP
    planning.update(EventChanges(reminders=[30]), by_user_id=ada.id, now=NOW)
    assert decide(adas, planning, now=at(11, 50)).outcome is ReminderOutcome.DROP
    assert decide(adas, None, now=at(11, 50)).outcome is ReminderOutcome.DROP


def test_only_changes_to_events_and_their_guests_touch_reminders() -> None:
    ada, bob, _, planning = _team()
    planning.respond(bob.id, ParticipantStatus.DECLINED, now=NOW)
    (answered,) = planning.pull_events()

    assert event_with_changed_reminders(answered) == planning.id
    registered = UserRegistered(occurred_at=NOW, user_id=ada.id, email=ada.email, is_admin=False)
    assert event_with_changed_reminders(registered) is None
