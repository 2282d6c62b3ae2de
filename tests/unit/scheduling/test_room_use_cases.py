import pytest

from application.scheduling.create_room import create_room
from application.scheduling.delete_room import delete_room
from application.scheduling.dto import CreateRoom, DeleteRoom, UpdateRoom
from application.scheduling.find_free_rooms import find_free_rooms
from application.scheduling.get_event import get_event
from application.scheduling.get_room import get_room
from application.scheduling.list_rooms import list_rooms
from application.scheduling.room_availability import room_availability
from application.scheduling.update_room import update_room
from domain.errors import InvalidInput, NotFound, PermissionDenied
from domain.scheduling.room import RoomChanges
from tests.unit.scheduling.factories import at, slot
from tests.unit.scheduling.office import Office


async def test_admin_creates_updates_and_deletes_a_room(office: Office) -> None:
    admin = await office.admin()
    room = await office.room(name="Babbage", capacity=4, location="2nd floor")
    await update_room(UpdateRoom(actor_id=admin.id, room_id=room.id, changes=RoomChanges(capacity=10)), uow=office.uow)
    stored = await get_room(room.id, uow=office.uow)
    assert (stored.name, stored.capacity, stored.location) == ("Babbage", 10, "2nd floor")
    await delete_room(DeleteRoom(actor_id=admin.id, room_id=room.id), uow=office.uow)
    with pytest.raises(NotFound):
        await get_room(room.id, uow=office.uow)


async def test_only_admins_manage_rooms(office: Office) -> None:
    await office.admin()
    room = await office.room()
    bob = await office.person()
    with pytest.raises(PermissionDenied):
        await create_room(CreateRoom(actor_id=bob.id, name="Mine", capacity=2), uow=office.uow, clock=office.clock)
    with pytest.raises(PermissionDenied):
        await update_room(
            UpdateRoom(actor_id=bob.id, room_id=room.id, changes=RoomChanges(name="Mine")), uow=office.uow
        )
    with pytest.raises(PermissionDenied):
        await delete_room(DeleteRoom(actor_id=bob.id, room_id=room.id), uow=office.uow)
    assert [r.name for r in await list_rooms(uow=office.uow)] == [room.name]


async def test_rooms_are_listed_by_name(office: Office) -> None:
    for name in ("Turing", "Babbage", "Lovelace"):
        await office.room(name=name)
    assert [room.name for room in await list_rooms(uow=office.uow)] == ["Babbage", "Lovelace", "Turing"]


async def test_anyone_signed_in_can_book_a_free_room(office: Office) -> None:
    room = await office.room()
    bob = await office.person()
    assert (await office.event(bob, room_id=room.id)).room_id == room.id


async def test_availability_shows_bookings_and_free_gaps(office: Office) -> None:
    ada = await office.person()
    room = await office.room()
    first = await office.event(ada, room_id=room.id, starts_at=at(10), ends_at=at(11))
    await office.event(ada, room_id=room.id, starts_at=at(14), ends_at=at(15))
    availability = await room_availability(room.id, start=at(8), end=at(18), uow=office.uow)
    assert [booking.slot for booking in availability.bookings] == [slot(10, 11), slot(14, 15)]
    assert availability.bookings[0].event_id == first.id
    assert availability.free == [slot(8, 10), slot(11, 14), slot(15, 18)]


async def test_availability_of_an_unknown_room_is_not_found(office: Office) -> None:
    room = await office.room()
    office.database.tables.rooms.clear()
    with pytest.raises(NotFound):
        await room_availability(room.id, start=at(8), end=at(18), uow=office.uow)


async def test_free_rooms_seat_enough_people_and_are_not_booked_snuggest_first(office: Office) -> None:
    ada = await office.person()
    booked = await office.room(name="Booked", capacity=8)
    await office.room(name="Tiny", capacity=2)
    await office.room(name="Hall", capacity=40)
    await office.room(name="Cosy", capacity=6)
    await office.event(ada, room_id=booked.id, starts_at=at(10), ends_at=at(11))
    free = await find_free_rooms(start=at(10, 30), end=at(11, 30), capacity=5, uow=office.uow)
    assert [room.name for room in free] == ["Cosy", "Hall"]
    after = await find_free_rooms(start=at(11), end=at(12), capacity=5, uow=office.uow)
    assert [room.name for room in after] == ["Cosy", "Booked", "Hall"]


async def test_free_room_search_needs_a_positive_capacity(office: Office) -> None:
    with pytest.raises(InvalidInput) as refused:
        await find_free_rooms(start=at(10), end=at(11), capacity=0, uow=office.uow)
    assert refused.value.field == "capacity"


async def test_deleting_a_room_keeps_its_events_without_it(office: Office) -> None:
    admin = await office.admin()
    room = await office.room()
    event = await office.event(admin, room_id=room.id)
    await delete_room(DeleteRoom(actor_id=admin.id, room_id=room.id), uow=office.uow)
    assert (await get_event(event.id, actor_id=admin.id, uow=office.uow)).room_id is None
