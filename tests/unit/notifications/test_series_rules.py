"""A series is told of once, by how often it repeats and the first date a change reaches; an occurrence by its date."""

from datetime import datetime

from domain.accounts.user import User
from domain.domain_events import DomainEvent
from domain.notifications.notification import NotificationDraft, NotificationType
from domain.notifications.rules import Circumstances, concerned_room, notifications_about
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.recurrence import Recurrence
from tests.unit.scheduling.factories import NOW, a_room, a_user, an_event, an_invitee, at


def _told(event: DomainEvent, current: Event | None, people: list[User]) -> list[NotificationDraft]:
    return notifications_about(event, Circumstances(people={person.id: person for person in people}, event=current))


def _team(rule: str = "FREQ=DAILY") -> tuple[User, User, User, Event]:
    ada, bob, carol = a_user(name="Ada"), a_user(name="Bob"), a_user(name="Carol", timezone="Europe/Berlin")
    stand_up = an_event(
        organizer=ada,
        title="Stand-up",
        invitees=[an_invitee(bob), an_invitee(carol)],
        recurrence=Recurrence.of(rule),
    )
    return ada, bob, carol, stand_up


def _only(event: Event) -> DomainEvent:
    (fact,) = event.pull_events()
    return fact


def test_a_change_to_the_whole_series_is_told_once_per_person_from_the_first_date_it_reaches() -> None:
    ada, bob, carol, stand_up = _team("FREQ=WEEKLY")
    changed_on = at(12, day=9)  # Wednesday 2 December: the next stand-up is on Monday 7 December

    stand_up.update(EventChanges(starts_at=at(9, 30), ends_at=at(10, 30)), by_user_id=ada.id, now=changed_on)
    drafts = _told(_only(stand_up), stand_up, [ada, bob, carol])

    assert [(d.user_id, d.message) for d in drafts] == [
        (bob.id, "Ada changed the time of the weekly Stand-up: now starts at 09:30 (UTC), from Mon 7 Dec"),
        (carol.id, "Ada changed the time of the weekly Stand-up: now starts at 10:30 (Europe/Berlin), from Mon 7 Dec"),
    ]
    assert {d.type for d in drafts} == {NotificationType.EVENT_UPDATED}


def test_this_and_following_is_told_once_per_person_from_the_split() -> None:
    ada, bob, carol, stand_up = _team()
    stand_up.pull_events()

    following = stand_up.split_at(at(10, day=3), now=NOW)
    assert following is not None
    following.pull_events()  # the new series was created: nobody is told that
    following.update(EventChanges(starts_at=at(14, day=3), ends_at=at(15, day=3)), by_user_id=ada.id, now=NOW)
    drafts = _told(_only(following), following, [ada, bob, carol])

    assert stand_up.pull_events() == []
    assert [d.message for d in drafts if d.user_id == bob.id] == [
        "Ada changed the time of the daily Stand-up: now starts at 14:00 (UTC), from Thu 26 Nov"
    ]
    assert len(drafts) == 2


def test_a_change_to_one_occurrence_names_its_date() -> None:
    ada, bob, carol, stand_up = _team()
    stand_up.update_occurrence(
        at(10, day=3), EventChanges(starts_at=at(14, day=3), ends_at=at(15, day=3)), by_user_id=ada.id, now=NOW
    )
    moved = _only(stand_up)
    stand_up.update_occurrence(at(10, day=4), EventChanges(location="Garden"), by_user_id=ada.id, now=NOW)
    other = _only(stand_up)

    (to_bob, _) = _told(moved, stand_up, [ada, bob, carol])
    (other_to_bob, _) = _told(other, stand_up, [ada, bob, carol])

    assert to_bob.message == "Ada changed the time of Stand-up on Thu 26 Nov: now on Thu 26 Nov 14:00 (UTC)"
    assert (
        other_to_bob.message
        == "Ada changed the location of Stand-up on Fri 27 Nov: now on Fri 27 Nov 10:00 (UTC) at Garden"
    )
    assert at(10, day=3).isoformat() in to_bob.dedupe_key
    assert to_bob.dedupe_key != other_to_bob.dedupe_key


def test_each_cancelled_occurrence_is_told_by_its_date_under_its_own_key() -> None:
    ada, bob, _, stand_up = _team()
    stand_up.cancel_occurrence(at(10, day=3), by_user_id=ada.id, now=NOW)
    first = _only(stand_up)
    stand_up.cancel_occurrence(at(10, day=4), by_user_id=ada.id, now=NOW)
    second = _only(stand_up)

    (told_first,) = _told(first, stand_up, [ada, bob])
    (told_second,) = _told(second, stand_up, [ada, bob])

    assert told_first.message == "Ada cancelled Stand-up on Thu 26 Nov 10:00 (UTC)"
    assert told_second.message == "Ada cancelled Stand-up on Fri 27 Nov 10:00 (UTC)"
    assert told_first.dedupe_key != told_second.dedupe_key


def test_cancelling_the_series_is_told_once_from_its_next_date() -> None:
    ada, bob, _, stand_up = _team()
    stand_up.pull_events()

    stand_up.cancel(by_user_id=ada.id, now=at(12, day=1))
    (told,) = _told(_only(stand_up), stand_up, [ada, bob])

    assert told.message == "Ada cancelled the daily Stand-up, from Wed 25 Nov"


def test_an_answer_for_one_occurrence_names_it_and_answers_for_two_are_kept_apart() -> None:
    ada, bob, _, stand_up = _team()
    stand_up.pull_events()
    stand_up.respond(bob.id, ParticipantStatus.DECLINED, now=NOW, recurrence_id=at(10, day=1))
    first = _only(stand_up)
    stand_up.respond(bob.id, ParticipantStatus.DECLINED, now=NOW, recurrence_id=at(10, day=2))
    second = _only(stand_up)
    stand_up.respond(bob.id, ParticipantStatus.ACCEPTED, now=NOW)
    whole = _only(stand_up)

    (told_first,) = _told(first, stand_up, [ada, bob])
    (told_second,) = _told(second, stand_up, [ada, bob])
    (told_whole,) = _told(whole, stand_up, [ada, bob])

    assert told_first.message == "Bob declined your invitation to Stand-up on Tue 24 Nov 10:00 (UTC)"
    assert told_first.dedupe_key != told_second.dedupe_key
    assert told_whole.message == "Bob accepted your invitation to the daily Stand-up"


def test_a_series_repeating_every_other_week_says_so_and_an_invitation_names_its_first_date() -> None:
    ada, dan = a_user(name="Ada"), a_user(name="Dan")
    review = an_event(organizer=ada, title="Review", recurrence=Recurrence.of("FREQ=WEEKLY;INTERVAL=2"))
    review.add_participant(an_invitee(dan), by_user_id=ada.id, now=NOW)

    (told,) = _told(_only(review), review, [ada, dan])

    assert told.message == "Ada invited you to Review (every 2 weeks): starts at 10:00 (UTC), from Mon 23 Nov"


def test_nothing_is_told_of_a_series_nobody_changed_noteworthily() -> None:
    ada, bob, _, stand_up = _team()
    stand_up.pull_events()
    stand_up.update(
        EventChanges(description="Agenda"), by_user_id=ada.id, now=datetime(2026, 11, 24, tzinfo=NOW.tzinfo)
    )

    assert _told(_only(stand_up), stand_up, [ada, bob]) == []


def test_a_room_given_to_one_occurrence_is_the_room_its_notification_names() -> None:
    ada, bob, _, stand_up = _team()
    everest = a_room(name="Everest")
    stand_up.update_occurrence(at(10, day=3), EventChanges(room_id=everest.id), by_user_id=ada.id, now=NOW)
    moved = _only(stand_up)

    assert concerned_room(moved, stand_up) == everest.id
    (told,) = notifications_about(
        moved, Circumstances(people={p.id: p for p in (ada, bob)}, event=stand_up, room=everest)
    )
    assert told.message == "Ada changed the room of Stand-up on Thu 26 Nov: now on Thu 26 Nov 10:00 (UTC) in Everest"


def test_the_organizer_is_told_that_an_occurrence_whose_room_was_taken_keeps_its_time_without_it() -> None:
    ada, bob = a_user(name="Ada"), a_user(name="Bob")
    everest = a_room(name="Everest")
    stand_up = an_event(
        organizer=ada,
        title="Stand-up",
        invitees=[an_invitee(bob)],
        room_id=everest.id,
        recurrence=Recurrence.of("FREQ=DAILY"),
    )

    stand_up.decline_room(at(10, day=3), now=NOW)
    declined = _only(stand_up)

    assert stand_up.occurrence(at(10, day=3)).room_id is None
    assert stand_up.occurrence(at(10, day=4)).room_id == everest.id
    assert concerned_room(declined, stand_up) == everest.id
    (told,) = notifications_about(
        declined, Circumstances(people={p.id: p for p in (ada, bob)}, event=stand_up, room=everest)
    )
    assert (told.user_id, told.type) == (ada.id, NotificationType.ROOM_DECLINED)
    assert told.title == "Room not booked: Stand-up"
    assert told.message == (
        "Everest is already booked for Stand-up on Thu 26 Nov 10:00 (UTC): "
        "that occurrence keeps its time without a room"
    )


def test_a_new_rule_is_told_as_a_change_of_repetition_worded_by_the_new_rule() -> None:
    ada, bob, _, stand_up = _team()
    stand_up.pull_events()

    stand_up.update(EventChanges(recurrence=Recurrence.of("FREQ=WEEKLY")), by_user_id=ada.id, now=NOW)
    (told,) = _told(_only(stand_up), stand_up, [ada, bob])

    assert (
        told.message == "Ada changed the repetition of the weekly Stand-up: now starts at 10:00 (UTC), from Mon 23 Nov"
    )


def test_cancelling_this_and_the_following_occurrences_is_told_once_from_the_split() -> None:
    ada, bob, _, stand_up = _team()
    stand_up.pull_events()

    following = stand_up.split_at(at(10, day=3), now=NOW)
    assert following is not None
    following.pull_events()
    following.cancel(by_user_id=ada.id, now=NOW)
    (told,) = _told(_only(following), following, [ada, bob])

    assert told.message == "Ada cancelled the daily Stand-up, from Thu 26 Nov"
    assert stand_up.pull_events() == []
