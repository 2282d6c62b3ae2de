import pytest

from application.unit_of_work import SeenAggregates, UnitOfWork
from domain.errors import RoomAlreadyBooked
from domain.scheduling.calendar import Calendar
from tests.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.scheduling.factories import NOW, a_calendar, a_room, a_user, an_event, at
from tests.unit.scheduling.office import Office


def test_fake_unit_of_work_implements_the_port() -> None:
    uow: UnitOfWork = FakeUnitOfWork()
    assert uow.collect_new_events() == []


def test_seen_aggregates_hand_over_events_in_the_order_aggregates_were_seen() -> None:
    seen = SeenAggregates()
    user = a_user()
    calendar = Calendar.create(owner=user, name="Team", now=NOW)
    seen.remember(calendar)
    seen.remember(user)
    seen.remember(calendar)
    assert [event.name for event in seen.collect_new_events()] == ["calendar_created", "user_registered"]
    assert seen.collect_new_events() == []


def test_forgetting_drops_events_not_collected() -> None:
    seen = SeenAggregates()
    user = a_user()
    seen.remember(user)
    seen.forget()
    assert seen.collect_new_events() == []
    assert user.pending_events == ()


async def test_events_reach_the_outbox_only_on_commit() -> None:
    uow = FakeUnitOfWork()
    async with uow:
        await uow.users.add(a_user())
    assert uow.database.committed_events == []
    async with uow:
        await uow.users.add(a_user())
        await uow.commit()
    assert [event.name for event in uow.database.committed_events] == ["user_registered"]


async def test_refused_write_leaves_the_store_exactly_as_it_was(office: Office) -> None:
    ada = await office.person()
    room = await office.room()
    await office.event(ada, room_id=room.id)
    before = office.database.tables.contents()
    events_before = list(office.database.committed_events)
    with pytest.raises(RoomAlreadyBooked):
        await office.event(ada, room_id=room.id, participants=[ada.email])
    assert office.database.tables.contents() == before
    assert office.database.committed_events == events_before


async def test_changes_not_saved_are_not_stored() -> None:
    uow = FakeUnitOfWork()
    room = a_room(capacity=4)
    async with uow:
        await uow.rooms.add(room)
        await uow.commit()
    async with uow:
        loaded = await uow.rooms.get(room.id)
        assert loaded is not None
        loaded.capacity = 99
        await uow.commit()
    async with uow:
        stored = await uow.rooms.get(room.id)
    assert stored is not None
    assert stored.capacity == 4


async def test_in_memory_events_refuse_overlapping_bookings_but_not_cancelled_ones() -> None:
    uow = FakeUnitOfWork()
    room = a_room()
    organizer = a_user()
    calendar = a_calendar(organizer)
    first = an_event(calendar, organizer, room_id=room.id, starts_at=at(10), ends_at=at(12))
    async with uow:
        await uow.rooms.add(room)
        await uow.calendars.add(calendar)
        await uow.events.add(first)
        with pytest.raises(RoomAlreadyBooked):
            await uow.events.add(an_event(calendar, organizer, room_id=room.id, starts_at=at(11), ends_at=at(13)))
        first.cancel(by_user_id=organizer.id, now=at(9))
        await uow.events.save(first)
        await uow.events.add(an_event(calendar, organizer, room_id=room.id, starts_at=at(11), ends_at=at(13)))
        await uow.commit()
    assert len(uow.database.tables.events) == 2
