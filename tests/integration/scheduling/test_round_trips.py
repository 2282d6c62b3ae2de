"""Every field of every aggregate comes back from PostgreSQL as it went in, and loading records no events."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

from domain.accounts.user import User
from domain.domain_events import Aggregate
from domain.scheduling.calendar import Calendar, CalendarChanges, CalendarRole
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.room import Room, RoomChanges
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import NOW, a_calendar, a_room, a_user, an_event, an_invitee, at


def fields(entity: object) -> dict[str, Any]:
    """Return an entity's fields (entities compare by identity, not by value)."""
    return {name: value for name, value in vars(entity).items() if name != "_recorded"}


def assert_loaded_as_stored(loaded: object, stored: object) -> None:
    assert loaded is not None
    assert fields(loaded) == fields(stored)
    if isinstance(loaded, Aggregate):
        assert loaded.pending_events == ()


async def store_people(office: PostgresOffice, *people: User) -> None:
    async with office.uow as uow:
        for person in people:
            await uow.users.add(person)
        await uow.commit()


async def test_a_user_round_trips(office: PostgresOffice) -> None:
    user = a_user(email="Ada.Lovelace@Example.com", name="Ada", timezone="Europe/Paris", is_admin=True)
    await store_people(office, user)

    async with office.uow as uow:
        by_id = await uow.users.get(user.id)
        by_email = await uow.users.get_by_email("ada.lovelace@example.com")
        listed = await uow.users.find(emails=["ada.lovelace@example.com", "nobody@example.com"])
        count = await uow.users.count()

    assert_loaded_as_stored(by_id, user)
    assert_loaded_as_stored(by_email, user)
    assert [found.id for found in listed] == [user.id]
    assert_loaded_as_stored(listed[0], user)  # read on the driver, mapped alike
    assert count == 1


async def test_users_are_found_by_ids_and_emails_at_once_each_once(office: PostgresOffice) -> None:
    ada, bob, cy = a_user(email="ada@example.com"), a_user(email="bob@example.com"), a_user(email="cy@example.com")
    await store_people(office, ada, bob, cy)

    async with office.uow as uow:
        both = await uow.users.find(ids=[ada.id, uuid4()], emails=["ada@example.com", "bob@example.com"])
        by_id = await uow.users.find(ids=[cy.id])
        nothing = await uow.users.find()

    assert [user.id for user in both] == [ada.id, bob.id]
    assert [user.id for user in by_id] == [cy.id]
    assert nothing == []


async def test_a_promoted_user_stays_promoted(office: PostgresOffice) -> None:
    user = a_user()
    await store_people(office, user)
    async with office.uow as uow:
        loaded = await uow.users.get(user.id)
        assert loaded is not None
        loaded.promote(by_user_id=None, now=NOW)
        await uow.users.save(loaded)
        await uow.commit()

    async with office.uow as uow:
        assert_loaded_as_stored(await uow.users.get(user.id), loaded)


async def test_a_calendar_round_trips_with_its_members(office: PostgresOffice) -> None:
    owner, editor, viewer = a_user(), a_user(), a_user()
    await store_people(office, owner, editor, viewer)
    calendar = a_calendar(owner, name="Team", color="#ff0000", description="Where the team meets")
    calendar.share(editor, CalendarRole.EDITOR, by_user_id=owner.id, now=NOW)
    calendar.share(viewer, CalendarRole.VIEWER, by_user_id=owner.id, now=NOW)
    personal = Calendar.personal_for(owner, now=NOW)
    async with office.uow as uow:
        await uow.calendars.add(calendar)
        await uow.calendars.add(personal)
        await uow.commit()

    async with office.uow as uow:
        loaded = await uow.calendars.get(calendar.id)
        mine = await uow.calendars.personal_calendar_of(owner.id)
        owners_list = await uow.calendars.list_for_member(owner.id)
        viewers_list = await uow.calendars.list_for_member(viewer.id)

    assert_loaded_as_stored(loaded, calendar)
    assert_loaded_as_stored(mine, personal)
    assert [c.id for c in owners_list] == [personal.id, calendar.id]
    assert [c.id for c in viewers_list] == [calendar.id]


async def test_a_calendars_changes_and_member_list_are_saved(office: PostgresOffice) -> None:
    owner, stays, leaves, arrives = a_user(), a_user(), a_user(), a_user()
    await store_people(office, owner, stays, leaves, arrives)
    calendar = a_calendar(owner)
    calendar.share(stays, CalendarRole.VIEWER, by_user_id=owner.id, now=NOW)
    calendar.share(leaves, CalendarRole.EDITOR, by_user_id=owner.id, now=NOW)
    async with office.uow as uow:
        await uow.calendars.add(calendar)
        await uow.commit()

    async with office.uow as uow:
        loaded = await uow.calendars.get(calendar.id)
        assert loaded is not None
        loaded.change(CalendarChanges(name="Renamed", color="#00ff00"), by_user_id=owner.id, now=NOW)
        loaded.share(stays, CalendarRole.EDITOR, by_user_id=owner.id, now=NOW)
        loaded.unshare(leaves.id, by_user_id=owner.id, now=NOW)
        loaded.share(arrives, CalendarRole.VIEWER, by_user_id=owner.id, now=NOW)
        await uow.calendars.save(loaded)
        await uow.commit()

    async with office.uow as uow:
        assert_loaded_as_stored(await uow.calendars.get(calendar.id), loaded)
        assert await uow.calendars.list_for_member(leaves.id) == []


async def test_removing_a_calendar_removes_its_members_and_events(office: PostgresOffice) -> None:
    owner, guest = a_user(), a_user()
    await store_people(office, owner, guest)
    calendar = a_calendar(owner)
    event = an_event(calendar, owner, invitees=[an_invitee(guest)])
    async with office.uow as uow:
        await uow.calendars.add(calendar)
        await uow.events.add(event)
        await uow.commit()

    async with office.uow as uow:
        await uow.calendars.remove(calendar)
        await uow.commit()

    async with office.uow as uow:
        assert await uow.calendars.get(calendar.id) is None
        assert await uow.events.get(event.id) is None
    assert await office.rows("SELECT * FROM calendar_members") == []
    assert await office.rows("SELECT * FROM event_participants") == []


async def test_a_room_round_trips_and_saves_its_changes(office: PostgresOffice) -> None:
    room = a_room(name="Atlas", capacity=12, location="2nd floor, east wing")
    async with office.uow as uow:
        await uow.rooms.add(room)
        await uow.commit()
    async with office.uow as uow:
        assert_loaded_as_stored(await uow.rooms.get(room.id), room)
        loaded = await uow.rooms.get(room.id)
        assert loaded is not None
        loaded.change(RoomChanges(name="Atlas II", capacity=14, location=""))
        await uow.rooms.save(loaded)
        await uow.commit()

    async with office.uow as uow:
        saved = await uow.rooms.get(room.id)
        everything = await uow.rooms.list_all()
    assert_loaded_as_stored(saved, loaded)
    assert [r.id for r in everything] == [room.id]
    assert isinstance(saved, Room)


async def stored_event(office: PostgresOffice) -> tuple[Event, list[User]]:
    organizer, guests = a_user(), [a_user(), a_user(), a_user()]
    await store_people(office, organizer, *guests)
    calendar = a_calendar(organizer)
    room = a_room()
    event = an_event(
        calendar,
        organizer,
        title="Offsite",
        description="Two days of planning",
        location="Lyon",
        starts_at=at(0, day=2),
        ends_at=at(0, day=3),
        all_day=True,
        timezone="Europe/Paris",
        room_id=room.id,
        invitees=[an_invitee(guests[2]), an_invitee(organizer), an_invitee(guests[0])],
        reminders=[60, 5, 1440],
    )
    event.respond(guests[0].id, ParticipantStatus.TENTATIVE, now=NOW + timedelta(minutes=1))
    async with office.uow as uow:
        await uow.calendars.add(calendar)
        await uow.rooms.add(room)
        await uow.events.add(event)
        await uow.commit()
    return event, guests


async def test_an_event_round_trips_with_every_field_participants_in_order_and_reminders(
    office: PostgresOffice,
) -> None:
    event, _ = await stored_event(office)

    async with office.uow as uow:
        loaded = await uow.events.get(event.id)
        locked = await uow.events.get_for_update(event.id)

    assert_loaded_as_stored(loaded, event)
    assert_loaded_as_stored(locked, event)
    assert loaded is not None
    assert (loaded.version, loaded.reminders, loaded.all_day) == (2, (5, 60, 1440), True)


async def test_an_events_changes_guest_list_and_cancellation_are_saved(office: PostgresOffice) -> None:
    event, guests = await stored_event(office)
    later = NOW + timedelta(hours=1)

    async with office.uow as uow:
        loaded = await uow.events.get_for_update(event.id)
        assert loaded is not None
        loaded.update(
            EventChanges(
                title="Offsite (moved)",
                starts_at=at(9, day=4),
                ends_at=at(17, day=4),
                all_day=False,
                timezone="UTC",
                room_id=None,
                reminders=[],
                invitees=[an_invitee(guests[1]), an_invitee(guests[0])],
            ),
            by_user_id=event.organizer_id,
            now=later,
        )
        loaded.cancel(by_user_id=event.organizer_id, now=later)
        await uow.events.save(loaded)
        await uow.commit()

    async with office.uow as uow:
        saved = await uow.events.get(event.id)

    assert_loaded_as_stored(saved, loaded)
    assert saved is not None
    assert [p.user_id for p in saved.participants] == [guests[0].id, guests[1].id]
    assert (saved.is_cancelled, saved.reminders, saved.updated_at) == (True, (), later)
