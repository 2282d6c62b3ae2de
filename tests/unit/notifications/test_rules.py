"""Who is told what, in which words, under which dedupe key."""

from datetime import timedelta

from domain.accounts.user import User
from domain.domain_events import DomainEvent
from domain.notifications.notification import NotificationDraft, NotificationType
from domain.notifications.reminders import Reminder
from domain.notifications.rules import (
    Circumstances,
    concerned_event,
    notifications_about,
    people_involved,
    reminder_notification,
)
from domain.scheduling.domain_events import UserRegistered
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.room import Room
from tests.unit.scheduling.factories import NOW, a_room, a_user, an_event, an_invitee, at


def _told(
    event: DomainEvent, current: Event | None, people: list[User], room: Room | None = None
) -> list[NotificationDraft]:
    return notifications_about(
        event, Circumstances(people={person.id: person for person in people}, event=current, room=room)
    )


def _invite(event: Event, guest: User, *, by: User) -> DomainEvent:
    event.add_participant(an_invitee(guest), by_user_id=by.id, now=NOW)
    (invited,) = event.pull_events()
    return invited


def test_an_invitee_is_told_who_invited_them_to_what_and_when_on_their_own_clock() -> None:
    ada, bob = a_user(name="Ada"), a_user(name="Bob", timezone="Europe/Berlin")
    everest = a_room(name="Everest")
    planning = an_event(organizer=ada, room_id=everest.id)

    (draft,) = _told(_invite(planning, bob, by=ada), planning, [ada, bob], everest)

    assert draft.user_id == bob.id
    assert draft.type is NotificationType.EVENT_INVITED
    assert draft.title == "Invitation: Planning"
    assert draft.message == "Ada invited you to Planning on Mon 23 Nov 11:00 (Europe/Berlin) in Everest"
    assert draft.event_id == planning.id


def test_telling_the_same_invitation_twice_gives_the_same_dedupe_key_and_a_new_invitation_a_new_one() -> None:
    ada, bob = a_user(), a_user()
    planning = an_event(organizer=ada)
    invited = _invite(planning, bob, by=ada)
    first, again = _told(invited, planning, [ada, bob]), _told(invited, planning, [ada, bob])
    planning.remove_participant(bob.id, by_user_id=ada.id, now=NOW)
    planning.pull_events()
    planning.add_participant(an_invitee(bob), by_user_id=ada.id, now=NOW + timedelta(minutes=1))
    (reinvited,) = planning.pull_events()

    later = _told(reinvited, planning, [ada, bob])

    assert first[0].dedupe_key == again[0].dedupe_key
    assert later[0].dedupe_key != first[0].dedupe_key


def test_nobody_is_invited_to_an_event_they_were_taken_off_or_that_was_cancelled_meanwhile() -> None:
    ada, bob = a_user(), a_user()
    planning = an_event(organizer=ada)
    invited = _invite(planning, bob, by=ada)
    planning.remove_participant(bob.id, by_user_id=ada.id, now=NOW)
    assert _told(invited, planning, [ada, bob]) == []

    retro = an_event(organizer=ada)
    invited_to_retro = _invite(retro, bob, by=ada)
    retro.cancel(by_user_id=ada.id, now=NOW)
    assert _told(invited_to_retro, retro, [ada, bob]) == []
    assert _told(invited_to_retro, None, [ada, bob]) == []


def test_a_new_time_is_told_to_the_organizer_and_participants_but_not_to_who_moved_it() -> None:
    ada, bob, carol = a_user(name="Ada"), a_user(name="Bob"), a_user(name="Carol")
    planning = an_event(organizer=ada, invitees=[an_invitee(bob), an_invitee(carol)])
    planning.pull_events()
    planning.update(EventChanges(starts_at=at(14), ends_at=at(15)), by_user_id=bob.id, now=NOW)
    (updated,) = planning.pull_events()

    drafts = _told(updated, planning, [ada, bob, carol])

    assert {draft.user_id for draft in drafts} == {ada.id, carol.id}
    assert {draft.type for draft in drafts} == {NotificationType.EVENT_UPDATED}
    assert drafts[0].title == "Updated: Planning"
    assert drafts[0].message == "Bob changed the time of Planning: now on Mon 23 Nov 14:00 (UTC)"
    assert len({draft.dedupe_key for draft in drafts}) == 2


def test_room_title_and_location_changes_are_named_together() -> None:
    ada, bob = a_user(name="Ada"), a_user()
    everest = a_room(name="Everest")
    planning = an_event(organizer=ada, invitees=[an_invitee(bob)])
    planning.pull_events()
    planning.update(EventChanges(room_id=everest.id, title="Retro", location="3rd floor"), by_user_id=ada.id, now=NOW)
    (updated,) = planning.pull_events()

    (draft,) = _told(updated, planning, [ada, bob], everest)

    assert (
        draft.message == "Ada changed the room, title and location of Retro: now on Mon 23 Nov 10:00 (UTC) in Everest"
    )


def test_a_change_of_description_or_reminders_tells_nobody() -> None:
    ada, bob = a_user(), a_user()
    planning = an_event(organizer=ada, invitees=[an_invitee(bob)])
    planning.pull_events()
    planning.update(EventChanges(description="Agenda", reminders=[5, 30]), by_user_id=ada.id, now=NOW)
    (updated,) = planning.pull_events()

    assert _told(updated, planning, [ada, bob]) == []


def test_a_cancellation_is_told_to_everyone_but_who_cancelled() -> None:
    ada, bob, carol = a_user(name="Ada"), a_user(), a_user()
    planning = an_event(organizer=ada, invitees=[an_invitee(bob), an_invitee(carol)])
    planning.pull_events()
    planning.cancel(by_user_id=ada.id, now=NOW)
    (cancelled,) = planning.pull_events()

    drafts = _told(cancelled, planning, [ada, bob, carol])

    assert [draft.user_id for draft in drafts] == [bob.id, carol.id]
    assert drafts[0].type is NotificationType.EVENT_CANCELLED
    assert drafts[0].title == "Cancelled: Planning"
    assert drafts[0].message == "Ada cancelled Planning on Mon 23 Nov 10:00 (UTC)"


def test_an_answer_is_told_to_the_organizer() -> None:
    ada, bob = a_user(name="Ada", timezone="America/New_York"), a_user(name="Bob")
    planning = an_event(organizer=ada, invitees=[an_invitee(bob)])
    planning.pull_events()
    expected = {
        ParticipantStatus.ACCEPTED: ("Accepted: Planning", "Bob accepted your invitation to Planning"),
        ParticipantStatus.DECLINED: ("Declined: Planning", "Bob declined your invitation to Planning"),
        ParticipantStatus.TENTATIVE: ("Tentative: Planning", "Bob tentatively accepted your invitation to Planning"),
    }
    for status, (title, message) in expected.items():
        planning.respond(bob.id, status, now=NOW)
        (answered,) = planning.pull_events()

        (draft,) = _told(answered, planning, [ada, bob])

        assert (draft.user_id, draft.type) == (ada.id, NotificationType.PARTICIPANT_RESPONSE)
        assert (draft.title, draft.message) == (title, f"{message} on Mon 23 Nov 05:00 (America/New_York)")


def test_people_whose_accounts_are_gone_are_skipped_and_actors_become_someone() -> None:
    ada, bob = a_user(), a_user()
    planning = an_event(organizer=ada)
    invited = _invite(planning, bob, by=ada)

    assert _told(invited, planning, [ada]) == []
    (draft,) = _told(invited, planning, [bob])
    assert draft.message.startswith("Someone invited you")


def test_events_nobody_is_told_about_concern_no_event() -> None:
    ada = a_user()
    registered = UserRegistered(occurred_at=NOW, user_id=ada.id, email=ada.email, is_admin=False)

    assert concerned_event(registered) is None
    assert notifications_about(registered, Circumstances()) == []
    assert people_involved(registered) == set()


def test_a_reminder_says_how_soon_the_event_starts_or_that_it_started() -> None:
    ada = a_user(timezone="Europe/Berlin")
    everest = a_room(name="Everest")
    planning = an_event(organizer=ada, room_id=everest.id, starts_at=at(10), ends_at=at(11))
    reminder = Reminder(event_id=planning.id, user_id=ada.id, minutes=15, due_at=at(9, 45))

    on_time = reminder_notification(reminder, planning, ada, room=everest, now=at(9, 45))
    late = reminder_notification(reminder, planning, ada, room=everest, now=at(10, 5))

    assert on_time.type is NotificationType.EVENT_REMINDER
    assert on_time.title == "Reminder: Planning"
    assert on_time.message == "Planning starts in 15 minutes, on Mon 23 Nov 11:00 (Europe/Berlin) in Everest"
    assert late.message == "Planning started on Mon 23 Nov 11:00 (Europe/Berlin) in Everest"
    assert on_time.dedupe_key == late.dedupe_key
    assert on_time.scheduled_for == at(9, 45)


def test_a_reminder_of_a_moved_event_has_a_new_dedupe_key() -> None:
    ada = a_user()
    planning = an_event(organizer=ada)
    reminder = Reminder(event_id=planning.id, user_id=ada.id, minutes=15, due_at=at(9, 45))
    before = reminder_notification(reminder, planning, ada, room=None, now=at(9, 45))
    planning.update(EventChanges(starts_at=at(12), ends_at=at(13)), by_user_id=ada.id, now=NOW)

    after = reminder_notification(reminder, planning, ada, room=None, now=at(11, 45))

    assert after.dedupe_key != before.dedupe_key
    assert after.message == "Planning starts in 15 minutes, on Mon 23 Nov 12:00 (UTC)"


def test_an_all_day_event_is_shown_as_a_date_in_its_own_zone() -> None:
    ada, bob = a_user(name="Ada"), a_user(timezone="Asia/Tokyo")
    offsite = an_event(
        organizer=ada,
        title="Offsite",
        all_day=True,
        timezone="Europe/Paris",
        starts_at=at(0, day=1),
        ends_at=at(1, day=1),
    )

    (draft,) = _told(_invite(offsite, bob, by=ada), offsite, [ada, bob])

    assert draft.message == "Ada invited you to Offsite on Tue 24 Nov (all day)"
