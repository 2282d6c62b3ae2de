from collections.abc import Sequence
from typing import Any

import pytest

from application.scheduling.add_participant import add_participant
from application.scheduling.cancel_event import cancel_event
from application.scheduling.create_calendar import create_calendar
from application.scheduling.dto import (
    AddParticipant,
    CancelEvent,
    CreateCalendar,
    RemoveParticipant,
    Respond,
    ShareCalendar,
    UpdateEvent,
)
from application.scheduling.get_event import get_event
from application.scheduling.list_calendars import list_calendars
from application.scheduling.remove_participant import remove_participant
from application.scheduling.respond import respond
from application.scheduling.share_calendar import share_calendar
from application.scheduling.update_event import update_event
from domain.accounts.user import User
from domain.changes import UNSET, UnsetType
from domain.errors import (
    EventIsCancelled,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RoomAlreadyBooked,
    StaleVersion,
)
from domain.scheduling.calendar import Calendar, CalendarRole
from domain.scheduling.event import Event, EventChanges, EventStatus
from domain.scheduling.participant import ParticipantStatus
from tests.unit.scheduling.factories import at
from tests.unit.scheduling.office import Office


async def team_with(office: Office, owner: User, roles: dict[str, CalendarRole]) -> Calendar:
    """Create a calendar owned by `owner`, shared with each email in `roles` with its role."""
    calendar = await create_calendar(CreateCalendar(actor_id=owner.id, name="Team"), uow=office.uow, clock=office.clock)
    for email, role in roles.items():
        command = ShareCalendar(actor_id=owner.id, calendar_id=calendar.id, email=email, role=role)
        calendar = await share_calendar(command, uow=office.uow, clock=office.clock)
    return calendar


async def update(
    office: Office,
    by: User,
    event: Event,
    *,
    expected_version: int | None = None,
    participants: Sequence[str] | UnsetType = UNSET,
    **changes: Any,
) -> Event:
    command = UpdateEvent(
        actor_id=by.id,
        event_id=event.id,
        changes=EventChanges(**changes),
        participants=participants,
        expected_version=expected_version,
    )
    return await update_event(command, uow=office.uow, clock=office.clock)


async def test_event_without_calendar_goes_to_the_organizers_personal_calendar_in_their_zone(office: Office) -> None:
    ada = await office.person(timezone="Europe/Paris")
    event = await office.event(ada)
    [personal] = await list_calendars(actor_id=ada.id, uow=office.uow)
    assert (event.calendar_id, event.timezone, event.organizer_id) == (personal.id, "Europe/Paris", ada.id)
    assert (await get_event(event.id, actor_id=ada.id, uow=office.uow)).title == "Planning"


async def test_participants_given_by_email_are_invited(office: Office) -> None:
    ada, bob = await office.person(), await office.person(email="bob@example.com")
    office.forget_events()
    event = await office.event(ada, participants=["Bob@Example.com"])
    assert [(p.user_id, p.status) for p in event.participants] == [(bob.id, ParticipantStatus.NEEDS_ACTION)]
    assert [e.name for e in office.database.committed_events] == ["event_created", "participant_invited"]


async def test_unknown_participant_is_refused_naming_the_field_and_nothing_is_stored(office: Office) -> None:
    ada = await office.person()
    with pytest.raises(InvalidInput) as refused:
        await office.event(ada, participants=["ghost@example.com"])
    assert refused.value.field == "participants"
    assert office.database.tables.events == {}


async def test_unknown_room_is_refused_naming_room_id(office: Office) -> None:
    ada = await office.person()
    room = await office.room()
    office.database.tables.rooms.clear()
    with pytest.raises(InvalidInput) as refused:
        await office.event(ada, room_id=room.id)
    assert refused.value.field == "room_id"


async def test_viewer_cannot_add_events_and_strangers_are_told_the_calendar_does_not_exist(office: Office) -> None:
    ada, bob, mallory = await office.person(), await office.person(), await office.person()
    team = await team_with(office, ada, {bob.email: CalendarRole.VIEWER})
    with pytest.raises(PermissionDenied):
        await office.event(bob, calendar_id=team.id)
    with pytest.raises(InvalidInput) as refused:
        await office.event(mallory, calendar_id=team.id)
    assert refused.value.field == "calendar_id"


async def test_second_booking_of_same_room_is_refused_with_the_slot_in_the_way(office: Office) -> None:
    ada, bob = await office.person(), await office.person()
    room = await office.room()
    first = await office.event(ada, room_id=room.id, starts_at=at(10), ends_at=at(11))
    with pytest.raises(RoomAlreadyBooked) as refused:
        await office.event(bob, room_id=room.id, starts_at=at(10, 30), ends_at=at(11, 30))
    conflict = refused.value
    assert (conflict.room_id, conflict.conflicting_event_id) == (room.id, first.id)
    assert (conflict.starts_at, conflict.ends_at) == (at(10), at(11))
    assert list(office.database.tables.events) == [first.id]


async def test_back_to_back_bookings_of_a_room_both_succeed(office: Office) -> None:
    ada = await office.person()
    room = await office.room()
    await office.event(ada, room_id=room.id, starts_at=at(10), ends_at=at(11))
    await office.event(ada, room_id=room.id, starts_at=at(11), ends_at=at(12))
    assert len(office.database.tables.events) == 2


async def test_cancelled_event_frees_its_room(office: Office) -> None:
    ada = await office.person()
    room = await office.room()
    first = await office.event(ada, room_id=room.id)
    await cancel_event(CancelEvent(actor_id=ada.id, event_id=first.id), uow=office.uow, clock=office.clock)
    second = await office.event(ada, room_id=room.id)
    assert second.room_id == room.id


async def test_moving_an_event_onto_a_booked_slot_is_refused_and_changes_nothing(office: Office) -> None:
    ada = await office.person()
    room = await office.room()
    await office.event(ada, room_id=room.id, starts_at=at(10), ends_at=at(11))
    later = await office.event(ada, room_id=room.id, starts_at=at(14), ends_at=at(15))
    with pytest.raises(RoomAlreadyBooked):
        await update(office, ada, later, starts_at=at(10, 30), ends_at=at(11, 30))
    stored = await get_event(later.id, actor_id=ada.id, uow=office.uow)
    assert (stored.starts_at, stored.version) == (at(14), 1)


async def test_update_with_the_current_version_applies_and_bumps_it(office: Office) -> None:
    ada, bob = await office.person(), await office.person()
    event = await office.event(ada, participants=[bob.email])
    office.forget_events()
    updated = await update(office, ada, event, expected_version=1, title="Retro", reminders=[5, 60])
    stored = await get_event(event.id, actor_id=ada.id, uow=office.uow)
    assert (updated.version, stored.version, stored.title, stored.reminders) == (2, 2, "Retro", (5, 60))
    [changed] = office.events_named("event_updated")
    assert changed.affected_user_ids == (bob.id,)
    assert event.id in office.uow.events.locked


async def test_stale_version_is_refused_and_changes_nothing(office: Office) -> None:
    ada = await office.person()
    event = await office.event(ada)
    await update(office, ada, event, title="First edit")
    with pytest.raises(StaleVersion):
        await update(office, ada, event, expected_version=1, title="Lost edit")
    with pytest.raises(StaleVersion):
        await cancel_event(
            CancelEvent(actor_id=ada.id, event_id=event.id, expected_version=1), uow=office.uow, clock=office.clock
        )
    stored = await get_event(event.id, actor_id=ada.id, uow=office.uow)
    assert (stored.title, stored.status, stored.version) == ("First edit", EventStatus.CONFIRMED, 2)


async def test_calendar_editor_edits_someone_elses_event(office: Office) -> None:
    ada, bob = await office.person(), await office.person()
    team = await team_with(office, ada, {bob.email: CalendarRole.EDITOR})
    event = await office.event(ada, calendar_id=team.id)
    assert (await update(office, bob, event, title="Bob's now")).title == "Bob's now"


async def test_viewer_and_participant_see_but_cannot_edit(office: Office) -> None:
    ada, viewer, guest = await office.person(), await office.person(), await office.person()
    team = await team_with(office, ada, {viewer.email: CalendarRole.VIEWER})
    event = await office.event(ada, calendar_id=team.id, participants=[guest.email])
    for reader in (viewer, guest):
        assert (await get_event(event.id, actor_id=reader.id, uow=office.uow)).id == event.id
        with pytest.raises(PermissionDenied):
            await update(office, reader, event, title="Mine")


async def test_someone_elses_private_event_is_not_found_for_every_verb(office: Office) -> None:
    ada, mallory = await office.person(), await office.person()
    event = await office.event(ada)
    attempts = [
        get_event(event.id, actor_id=mallory.id, uow=office.uow),
        update(office, mallory, event, expected_version=99, title="Hacked"),
        cancel_event(CancelEvent(actor_id=mallory.id, event_id=event.id), uow=office.uow, clock=office.clock),
        respond(
            Respond(actor_id=mallory.id, event_id=event.id, status=ParticipantStatus.ACCEPTED),
            uow=office.uow,
            clock=office.clock,
        ),
        add_participant(
            AddParticipant(actor_id=mallory.id, event_id=event.id, email=mallory.email),
            uow=office.uow,
            clock=office.clock,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            await attempt
    assert (await get_event(event.id, actor_id=ada.id, uow=office.uow)).version == 1


async def test_replacing_participants_by_email_invites_and_removes(office: Office) -> None:
    ada, bob, carol = await office.person(), await office.person(), await office.person()
    event = await office.event(ada, participants=[bob.email])
    office.forget_events()
    updated = await update(office, ada, event, participants=[carol.email])
    assert updated.participant_ids == (carol.id,)
    assert [e.name for e in office.database.committed_events] == ["participant_removed", "participant_invited"]


async def test_cancelling_tells_the_participants_and_keeps_the_event_visible_as_cancelled(office: Office) -> None:
    ada, bob = await office.person(), await office.person()
    event = await office.event(ada, participants=[bob.email])
    await cancel_event(CancelEvent(actor_id=ada.id, event_id=event.id), uow=office.uow, clock=office.clock)
    [cancelled] = office.events_named("event_cancelled")
    assert cancelled.affected_user_ids == (bob.id,)
    assert (await get_event(event.id, actor_id=bob.id, uow=office.uow)).status is EventStatus.CANCELLED
    with pytest.raises(EventIsCancelled):
        await update(office, ada, event, title="Back on")


async def test_added_participant_is_invited_and_unknown_email_names_the_field(office: Office) -> None:
    ada, bob = await office.person(), await office.person()
    event = await office.event(ada)
    office.forget_events()
    command = AddParticipant(actor_id=ada.id, event_id=event.id, email=bob.email)
    assert (await add_participant(command, uow=office.uow, clock=office.clock)).participant_ids == (bob.id,)
    [invited] = office.events_named("participant_invited")
    assert invited.affected_user_ids == (bob.id,)
    with pytest.raises(InvalidInput) as refused:
        await add_participant(
            AddParticipant(actor_id=ada.id, event_id=event.id, email="ghost@example.com"),
            uow=office.uow,
            clock=office.clock,
        )
    assert refused.value.field == "email"


async def test_participant_may_leave_but_not_remove_others(office: Office) -> None:
    ada, bob, carol = await office.person(), await office.person(), await office.person()
    event = await office.event(ada, participants=[bob.email, carol.email])
    with pytest.raises(PermissionDenied):
        await remove_participant(
            RemoveParticipant(actor_id=bob.id, event_id=event.id, user_id=carol.id), uow=office.uow, clock=office.clock
        )
    left = await remove_participant(
        RemoveParticipant(actor_id=bob.id, event_id=event.id, user_id=bob.id), uow=office.uow, clock=office.clock
    )
    assert left.participant_ids == (carol.id,)
    with pytest.raises(NotFound):
        await get_event(event.id, actor_id=bob.id, uow=office.uow)


async def test_participant_answers_and_the_organizer_is_told(office: Office) -> None:
    ada, bob = await office.person(), await office.person()
    event = await office.event(ada, participants=[bob.email])
    answered = await respond(
        Respond(actor_id=bob.id, event_id=event.id, status=ParticipantStatus.ACCEPTED),
        uow=office.uow,
        clock=office.clock,
    )
    assert answered.participants[0].status is ParticipantStatus.ACCEPTED
    [responded] = office.events_named("participant_responded")
    assert responded.affected_user_ids == (ada.id,)


async def test_no_answer_is_not_an_answer(office: Office) -> None:
    ada, bob = await office.person(), await office.person()
    event = await office.event(ada, participants=[bob.email])
    with pytest.raises(InvalidInput) as refused:
        await respond(
            Respond(actor_id=bob.id, event_id=event.id, status=ParticipantStatus.NEEDS_ACTION),
            uow=office.uow,
            clock=office.clock,
        )
    assert refused.value.field == "status"


async def test_calendar_member_who_is_not_invited_cannot_answer(office: Office) -> None:
    ada = await office.person()
    event = await office.event(ada)
    with pytest.raises(PermissionDenied):
        await respond(
            Respond(actor_id=ada.id, event_id=event.id, status=ParticipantStatus.ACCEPTED),
            uow=office.uow,
            clock=office.clock,
        )
