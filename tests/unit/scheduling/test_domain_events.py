import json
from datetime import timedelta
from uuid import uuid4

import pytest

from adapters.postgres.outbox.codec import EVENT_TYPES, decode_event, encode_event
from domain.accounts.user import User
from domain.domain_events import DomainEvent
from domain.notifications.email import EmailDraft, OutgoingEmail
from domain.notifications.notification import NotificationType
from domain.scheduling.calendar import Calendar, CalendarChanges, CalendarRole
from domain.scheduling.event import Event, EventChanges, NewEvent
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.recurrence import Recurrence
from tests.unit.scheduling.factories import NOW, a_room, a_user, an_event, an_invitee, at


def a_bit_of_everything() -> list[DomainEvent]:
    """Return one of each kind of scheduling event, as aggregates record them."""
    admin = User.register(email="admin@example.com", name="Admin", password_hash="h", now=NOW)
    owner, guest = a_user(), a_user()
    admin.promote(by_user_id=None, now=NOW)
    guest.promote(by_user_id=admin.id, now=NOW)
    calendar = Calendar.create(owner=owner, name="Team", now=NOW)
    calendar.change(CalendarChanges(name="Crew"), by_user_id=owner.id, now=NOW)
    calendar.share(guest, CalendarRole.EDITOR, by_user_id=owner.id, now=NOW)
    calendar.unshare(guest.id, by_user_id=owner.id, now=NOW)
    calendar.delete(by_user_id=owner.id, now=NOW)
    retro = NewEvent(title="Retro", starts_at=at(10), ends_at=at(11))
    event = Event.create(retro, calendar_id=calendar.id, organizer=owner, now=NOW)
    event.add_participant(an_invitee(guest), by_user_id=owner.id, now=NOW)
    event.respond(guest.id, ParticipantStatus.ACCEPTED, now=NOW)
    event.update(EventChanges(room_id=a_room().id, ends_at=at(12)), by_user_id=owner.id, now=NOW)
    event.remove_participant(guest.id, by_user_id=owner.id, now=NOW)
    event.cancel(by_user_id=owner.id, now=NOW + timedelta(hours=1))
    stand_up = NewEvent(
        title="Stand-up", starts_at=at(9), ends_at=at(10), room_id=a_room().id, recurrence=Recurrence.of("FREQ=DAILY")
    )
    series = Event.create(stand_up, calendar_id=calendar.id, organizer=owner, now=NOW)
    series.pull_events()
    series.decline_room(at(9, day=1), now=NOW)
    invitation = EmailDraft(
        user_id=guest.id,
        address=guest.email,
        recipient_name=guest.name,
        kind=NotificationType.EVENT_INVITED,
        event_id=event.id,
        subject="Invitation: Retro",
        message="You are invited",
        dedupe_key="email:invited",
    )
    email = OutgoingEmail.queue(invitation, email_id=uuid4(), now=NOW)
    return [
        *admin.pull_events(),
        *guest.pull_events(),
        *calendar.pull_events(),
        *event.pull_events(),
        *series.pull_events(),
        *email.pull_events(),
    ]


def test_the_round_trip_below_covers_every_kind_of_event_the_outbox_knows() -> None:
    names = {event.name for event in a_bit_of_everything()}
    assert (
        names
        == {event_type.name for event_type in EVENT_TYPES}
        == {
            "user_registered",
            "user_promoted",
            "calendar_created",
            "calendar_updated",
            "calendar_shared",
            "calendar_unshared",
            "calendar_deleted",
            "event_created",
            "participant_invited",
            "participant_responded",
            "event_updated",
            "participant_removed",
            "event_cancelled",
            "occurrence_room_declined",
            "email_queued",
        }
    )


@pytest.mark.parametrize("event", a_bit_of_everything(), ids=lambda event: event.name)
def test_event_survives_a_trip_through_json(event: DomainEvent) -> None:
    stored = json.dumps(encode_event(event))
    assert decode_event(event.name, json.loads(stored)) == event


def test_payload_spells_ids_and_times_as_strings() -> None:
    guest = a_user()
    event = an_event(invitees=[an_invitee(guest)])
    event.cancel(by_user_id=event.organizer_id, now=NOW)
    [cancelled] = event.pull_events()
    payload = encode_event(cancelled)
    assert payload["event_id"] == str(event.id)
    assert payload["starts_at"] == "2026-11-23T10:00:00+00:00"
    assert payload["affected_user_ids"] == [str(guest.id)]


def test_unknown_event_name_is_refused() -> None:
    with pytest.raises(LookupError):
        decode_event("meteor_struck", {})
