from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import EventIsCancelled, InvalidInput, NotFound, PermissionDenied, StaleVersion
from domain.scheduling.calendar import CalendarRole
from domain.scheduling.domain_events import (
    EventCancelled,
    EventCreated,
    EventUpdated,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
)
from domain.scheduling.event import MAX_PARTICIPANTS, Event, EventChanges, EventStatus, NewEvent
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.reminders import MAX_REMINDER_MINUTES
from tests.unit.scheduling.factories import NOW, a_calendar, a_user, an_event, an_invitee, at

LATER = NOW + timedelta(minutes=5)


def test_new_event_starts_confirmed_at_version_one_with_a_fifteen_minute_reminder() -> None:
    event = an_event()
    assert (event.status, event.version, event.reminders) == (EventStatus.CONFIRMED, 1, (15,))


def test_creating_an_event_records_it_and_one_invitation_per_invitee() -> None:
    organizer, ada, bob = a_user(), a_user(), a_user()
    kick_off = NewEvent(
        title="Kick-off", starts_at=at(10), ends_at=at(11), invitees=[an_invitee(ada), an_invitee(bob), an_invitee(ada)]
    )
    event = Event.create(kick_off, calendar_id=a_calendar(organizer).id, organizer=organizer, now=NOW)
    assert event.participant_ids == (ada.id, bob.id)
    recorded = event.pull_events()
    assert [type(e) for e in recorded] == [EventCreated, ParticipantInvited, ParticipantInvited]
    assert [e.affected_user_ids for e in recorded] == [(), (ada.id,), (bob.id,)]
    assert event.pull_events() == []


def test_organizer_listed_as_participant_is_in_and_accepted_without_an_invitation() -> None:
    organizer = a_user()
    event = an_event(organizer=organizer, invitees=[an_invitee(organizer)])
    assert event.participants[0].status is ParticipantStatus.ACCEPTED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 201),
        ("description", "x" * 10_001),
        ("location", "x" * 501),
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", "../../etc/passwd"),
        ("reminders", [15, 15]),
        ("reminders", [-1]),
        ("reminders", [MAX_REMINDER_MINUTES + 1]),
        ("reminders", list(range(11))),
    ],
)
def test_event_with_bad_field_is_refused_naming_it(field: str, value: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        an_event(**{field: value})
    assert refused.value.field == field


def test_fields_at_their_limits_are_accepted() -> None:
    event = an_event(
        title="x" * 200,
        description="x" * 10_000,
        location="x" * 500,
        reminders=[MAX_REMINDER_MINUTES, 0, *range(1, 9)],
    )
    assert event.reminders[0] == 0
    assert event.reminders[-1] == MAX_REMINDER_MINUTES


def test_title_is_trimmed() -> None:
    assert an_event(title="  Retro  ").title == "Retro"


def test_all_day_event_covers_whole_local_days() -> None:
    event = an_event(all_day=True, timezone="Europe/Paris", starts_at=at(10), ends_at=at(11))
    assert event.starts_at == at(-1)  # Paris midnight is 23:00 UTC in November
    assert event.ends_at == at(23)


def test_update_records_which_fields_changed_and_bumps_the_version_once() -> None:
    organizer, guest = a_user(), a_user()
    event = an_event(organizer=organizer, invitees=[an_invitee(guest)])
    changed = event.update(
        EventChanges(title="Retro", starts_at=at(14), ends_at=at(15), description=""),
        by_user_id=organizer.id,
        now=LATER,
    )
    assert changed == ("title", "starts_at", "ends_at")
    assert (event.version, event.updated_at) == (2, LATER)
    [updated] = event.pull_events()
    assert isinstance(updated, EventUpdated)
    assert updated.changed_fields == changed
    assert updated.affected_user_ids == (guest.id,)
    assert updated.version == 2


def test_update_that_changes_nothing_keeps_the_version_and_records_nothing() -> None:
    event = an_event(title="Retro")
    assert event.update(EventChanges(title="Retro"), by_user_id=event.organizer_id, now=LATER) == ()
    assert event.version == 1
    assert event.pending_events == ()


def test_refused_update_changes_nothing() -> None:
    event = an_event()
    with pytest.raises(InvalidInput):
        event.update(EventChanges(title="New", ends_at=at(9)), by_user_id=event.organizer_id, now=LATER)
    assert (event.title, event.ends_at, event.version) == ("Planning", at(11), 1)


def test_update_can_release_the_room() -> None:
    room_id = uuid4()
    event = an_event(room_id=room_id)
    assert event.update(EventChanges(room_id=None), by_user_id=event.organizer_id, now=LATER) == ("room_id",)
    assert event.room_id is None


def test_replacing_the_guest_list_invites_newcomers_and_removes_the_others() -> None:
    organizer, stays, leaves, arrives = a_user(), a_user(), a_user(), a_user()
    event = an_event(organizer=organizer, invitees=[an_invitee(stays), an_invitee(leaves)])
    event.respond(stays.id, ParticipantStatus.ACCEPTED, now=NOW)
    event.pull_events()
    changed = event.update(
        EventChanges(invitees=[an_invitee(stays), an_invitee(arrives)]), by_user_id=organizer.id, now=LATER
    )
    assert changed == ()
    assert [(p.user_id, p.status) for p in event.participants] == [
        (stays.id, ParticipantStatus.ACCEPTED),
        (arrives.id, ParticipantStatus.NEEDS_ACTION),
    ]
    assert [type(e) for e in event.pull_events()] == [ParticipantRemoved, ParticipantInvited]
    assert event.version == 3


def test_cancelling_tells_everyone_but_the_canceller_and_happens_once() -> None:
    organizer, guest, editor = a_user(), a_user(), a_user()
    event = an_event(organizer=organizer, invitees=[an_invitee(guest)])
    event.cancel(by_user_id=editor.id, now=LATER)
    event.cancel(by_user_id=editor.id, now=LATER)
    [cancelled] = event.pull_events()
    assert isinstance(cancelled, EventCancelled)
    assert cancelled.affected_user_ids == (organizer.id, guest.id)
    assert (event.status, event.version) == (EventStatus.CANCELLED, 2)


def test_cancelled_event_can_be_neither_changed_nor_answered() -> None:
    guest = a_user()
    event = an_event(invitees=[an_invitee(guest)])
    event.cancel(by_user_id=event.organizer_id, now=LATER)
    with pytest.raises(EventIsCancelled):
        event.update(EventChanges(title="Again"), by_user_id=event.organizer_id, now=LATER)
    with pytest.raises(EventIsCancelled):
        event.respond(guest.id, ParticipantStatus.ACCEPTED, now=LATER)
    with pytest.raises(EventIsCancelled):
        event.add_participant(an_invitee(a_user()), by_user_id=event.organizer_id, now=LATER)


def test_answer_is_recorded_for_the_organizer() -> None:
    organizer, guest = a_user(), a_user()
    event = an_event(organizer=organizer, invitees=[an_invitee(guest)])
    event.respond(guest.id, ParticipantStatus.TENTATIVE, now=LATER)
    [responded] = event.pull_events()
    assert isinstance(responded, ParticipantResponded)
    assert (responded.status, responded.affected_user_ids) == (ParticipantStatus.TENTATIVE, (organizer.id,))
    answered = event.participant(guest.id)
    assert answered is not None
    assert answered.status is ParticipantStatus.TENTATIVE
    assert event.version == 2


def test_same_answer_twice_changes_nothing_the_second_time() -> None:
    guest = a_user()
    event = an_event(invitees=[an_invitee(guest)])
    event.respond(guest.id, ParticipantStatus.DECLINED, now=LATER)
    event.respond(guest.id, ParticipantStatus.DECLINED, now=LATER)
    assert event.version == 2
    assert len(event.pull_events()) == 1


def test_only_invitees_can_answer_and_only_with_an_answer() -> None:
    guest = a_user()
    event = an_event(invitees=[an_invitee(guest)])
    with pytest.raises(PermissionDenied):
        event.respond(a_user().id, ParticipantStatus.ACCEPTED, now=LATER)
    with pytest.raises(InvalidInput) as refused:
        event.respond(guest.id, ParticipantStatus.NEEDS_ACTION, now=LATER)
    assert refused.value.field == "status"


def test_inviting_someone_twice_changes_nothing() -> None:
    guest = a_user()
    event = an_event()
    assert event.add_participant(an_invitee(guest), by_user_id=event.organizer_id, now=LATER)
    assert not event.add_participant(an_invitee(guest), by_user_id=event.organizer_id, now=LATER)
    assert event.version == 2


def test_guest_list_is_bounded() -> None:
    event = an_event(invitees=[an_invitee(a_user()) for _ in range(MAX_PARTICIPANTS)])
    with pytest.raises(InvalidInput) as refused:
        event.add_participant(an_invitee(a_user()), by_user_id=event.organizer_id, now=LATER)
    assert refused.value.field == "participants"


def test_removing_someone_not_invited_is_not_found() -> None:
    event = an_event()
    with pytest.raises(NotFound):
        event.remove_participant(a_user().id, by_user_id=event.organizer_id, now=LATER)


def test_stale_version_is_refused_and_no_precondition_always_passes() -> None:
    event = an_event()
    event.check_version(None)
    event.check_version(1)
    with pytest.raises(StaleVersion) as refused:
        event.check_version(0)
    assert (refused.value.expected, refused.value.actual) == (0, 1)


def test_calendar_members_and_participants_see_the_event_and_nobody_else() -> None:
    owner, viewer, guest, stranger = a_user(), a_user(), a_user(), a_user()
    calendar = a_calendar(owner)
    calendar.share(viewer, CalendarRole.VIEWER, by_user_id=owner.id, now=NOW)
    event = an_event(calendar, owner, invitees=[an_invitee(guest)])
    assert all(event.visible_to(user.id, calendar) for user in (owner, viewer, guest))
    assert not event.visible_to(stranger.id, calendar)
    with pytest.raises(NotFound):
        event.ensure_editable_by(stranger.id, calendar)


def test_organizer_and_calendar_writers_edit_while_viewers_and_guests_only_see() -> None:
    owner, editor, viewer, guest, organizer = a_user(), a_user(), a_user(), a_user(), a_user()
    calendar = a_calendar(owner)
    calendar.share(editor, CalendarRole.EDITOR, by_user_id=owner.id, now=NOW)
    calendar.share(organizer, CalendarRole.EDITOR, by_user_id=owner.id, now=NOW)
    calendar.share(viewer, CalendarRole.VIEWER, by_user_id=owner.id, now=NOW)
    event = an_event(calendar, organizer, invitees=[an_invitee(guest)])
    assert all(event.editable_by(user.id, calendar) for user in (owner, editor, organizer))
    for reader in (viewer, guest):
        with pytest.raises(PermissionDenied):
            event.ensure_editable_by(reader.id, calendar)


def test_an_organizer_who_only_views_the_calendar_cannot_edit() -> None:
    owner, organizer = a_user(), a_user()
    calendar = a_calendar(owner)
    calendar.share(organizer, CalendarRole.EDITOR, by_user_id=owner.id, now=NOW)
    event = an_event(calendar, organizer)
    calendar.share(organizer, CalendarRole.VIEWER, by_user_id=owner.id, now=NOW)
    with pytest.raises(PermissionDenied):
        event.ensure_editable_by(organizer.id, calendar)


def test_an_organizer_removed_from_the_calendar_cannot_edit_though_still_invited() -> None:
    owner, organizer = a_user(), a_user()
    calendar = a_calendar(owner)
    calendar.share(organizer, CalendarRole.EDITOR, by_user_id=owner.id, now=NOW)
    event = an_event(calendar, organizer, invitees=[an_invitee(organizer)])
    calendar.unshare(organizer.id, by_user_id=owner.id, now=NOW)
    assert event.visible_to(organizer.id, calendar)
    with pytest.raises(PermissionDenied):
        event.ensure_editable_by(organizer.id, calendar)
