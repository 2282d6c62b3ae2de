"""Rooms are never double-booked: PostgreSQL's exclusion constraint decides, the domain error says why."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.engine import create_engine
from application.scheduling.cancel_event import cancel_event
from application.scheduling.create_event import create_event
from application.scheduling.delete_room import delete_room
from application.scheduling.dto import CancelEvent, CreateEvent, DeleteRoom, UpdateEvent
from application.scheduling.find_free_rooms import find_free_rooms
from application.scheduling.get_event import get_event
from application.scheduling.room_availability import room_availability
from application.scheduling.update_event import update_event
from domain.errors import RoomAlreadyBooked
from domain.scheduling.event import Event, EventChanges, NewEvent
from domain.scheduling.time_range import TimeRange
from tests.integration.scheduling.office import PostgresOffice
from tests.support.servers import ServerUrls
from tests.support.waiting import wait_for
from tests.unit.scheduling.factories import a_calendar, a_room, a_user, an_event, at


async def test_second_overlapping_booking_of_a_room_is_refused_naming_the_slot(office: PostgresOffice) -> None:
    ada, bob = await office.person(), await office.person()
    room = await office.room()
    first = await office.event(ada, room_id=room.id, starts_at=at(10), ends_at=at(11))

    with pytest.raises(RoomAlreadyBooked) as refused:
        await office.event(bob, room_id=room.id, starts_at=at(10, 30), ends_at=at(12))

    error = refused.value
    assert (error.room_id, error.starts_at, error.ends_at) == (room.id, at(10), at(11))
    assert error.conflicting_event_id == first.id


async def test_adjacent_bookings_both_succeed(office: PostgresOffice) -> None:
    ada = await office.person()
    room = await office.room()
    await office.event(ada, room_id=room.id, starts_at=at(10), ends_at=at(11))
    await office.event(ada, room_id=room.id, starts_at=at(11), ends_at=at(12))
    await office.event(ada, room_id=room.id, starts_at=at(9), ends_at=at(10))

    availability = await room_availability(room.id, start=at(8), end=at(13), uow=office.uow)

    assert [(b.slot.starts_at, b.slot.ends_at) for b in availability.bookings] == [
        (at(9), at(10)),
        (at(10), at(11)),
        (at(11), at(12)),
    ]
    assert availability.free == [TimeRange(at(8), at(9)), TimeRange(at(12), at(13))]


async def test_a_cancelled_event_frees_its_room(office: PostgresOffice) -> None:
    ada = await office.person()
    room = await office.room()
    first = await office.event(ada, room_id=room.id)
    await cancel_event(CancelEvent(actor_id=ada.id, event_id=first.id), uow=office.uow, clock=office.clock)

    second = await office.event(ada, room_id=room.id)

    assert second.room_id == room.id
    assert [
        b.event_id for b in (await room_availability(room.id, start=at(0), end=at(23), uow=office.uow)).bookings
    ] == [second.id]


async def test_moving_an_event_onto_a_taken_slot_is_refused_and_changes_nothing(office: PostgresOffice) -> None:
    ada = await office.person()
    room = await office.room()
    taken = await office.event(ada, room_id=room.id, starts_at=at(14), ends_at=at(15))
    moving = await office.event(ada, room_id=room.id)
    before = await office.dump()

    with pytest.raises(RoomAlreadyBooked) as refused:
        await update_event(
            UpdateEvent(
                actor_id=ada.id, event_id=moving.id, changes=EventChanges(starts_at=at(14, 30), ends_at=at(15, 30))
            ),
            uow=office.uow,
            clock=office.clock,
        )

    assert refused.value.conflicting_event_id == taken.id
    assert await office.dump() == before


async def test_booking_a_room_for_another_slot_keeps_the_event_its_own_room(office: PostgresOffice) -> None:
    ada = await office.person()
    room = await office.room()
    event = await office.event(ada, room_id=room.id, starts_at=at(10), ends_at=at(11))

    # Moving an event within its own booking must not collide with itself.
    moved = await update_event(
        UpdateEvent(actor_id=ada.id, event_id=event.id, changes=EventChanges(starts_at=at(10, 30), ends_at=at(11, 30))),
        uow=office.uow,
        clock=office.clock,
    )

    assert (moved.starts_at, moved.room_id, moved.version) == (at(10, 30), room.id, 2)


async def test_free_rooms_leave_out_booked_and_small_ones_snuggest_first(office: PostgresOffice) -> None:
    ada = await office.person()
    big = await office.room(name="Hall", capacity=40)
    small = await office.room(name="Booth", capacity=2)
    medium = await office.room(name="Nook", capacity=6)
    other_medium = await office.room(name="Den", capacity=6)
    await office.event(ada, room_id=other_medium.id, starts_at=at(10), ends_at=at(11))
    cancelled = await office.event(ada, room_id=medium.id, starts_at=at(10), ends_at=at(11))
    await cancel_event(CancelEvent(actor_id=ada.id, event_id=cancelled.id), uow=office.uow, clock=office.clock)

    free = await find_free_rooms(start=at(10, 30), end=at(12), capacity=4, uow=office.uow)
    free_after = await find_free_rooms(start=at(11), end=at(12), capacity=4, uow=office.uow)

    assert [room.id for room in free] == [medium.id, big.id]
    assert [room.id for room in free_after] == [other_medium.id, medium.id, big.id]
    assert small.id not in {room.id for room in free_after}


async def test_deleting_a_room_keeps_its_events_without_a_room(office: PostgresOffice) -> None:
    ada = await office.person()
    admin = await office.admin()
    room = await office.room()
    event = await office.event(ada, room_id=room.id)

    await delete_room(DeleteRoom(actor_id=admin.id, room_id=room.id), uow=office.uow)

    kept = await get_event(event.id, actor_id=ada.id, uow=office.uow)
    assert (kept.room_id, kept.starts_at, kept.ends_at) == (None, event.starts_at, event.ends_at)


@pytest.fixture
async def roomy_sessions(servers: ServerUrls) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on an engine with a connection for each of 50 concurrent bookers."""
    engine = create_engine(servers.database_url, pool_size=50, max_overflow=0, pooled=servers.pooled)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


async def test_fifty_concurrent_overlapping_bookings_give_exactly_one_room(
    office: PostgresOffice, roomy_sessions: async_sessionmaker[AsyncSession]
) -> None:
    people = [await office.person() for _ in range(5)]
    room = await office.room()
    racing = PostgresOffice(roomy_sessions)

    async def book(attempt: int) -> Event | RoomAlreadyBooked:
        organizer = people[attempt % len(people)]
        wanted = NewEvent(title=f"Grab {attempt}", starts_at=at(10, attempt % 30), ends_at=at(11), room_id=room.id)
        command = CreateEvent(actor_id=organizer.id, event=wanted)
        try:
            # A unit of work of its own for each booker, as each web request has.
            return await create_event(command, uow=racing.unit_of_work(), clock=office.clock)
        except RoomAlreadyBooked as refused:
            return refused

    outcomes = await asyncio.gather(*(book(attempt) for attempt in range(50)))

    [winner] = [outcome for outcome in outcomes if isinstance(outcome, Event)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, RoomAlreadyBooked)]
    assert len(refusals) == 49
    assert {refusal.conflicting_event_id for refusal in refusals} == {winner.id}
    assert {(refusal.starts_at, refusal.ends_at) for refusal in refusals} == {(winner.starts_at, winner.ends_at)}
    assert [row.id for row in await office.rows("SELECT id FROM events")] == [winner.id]


async def test_of_two_bookings_deadlocked_on_each_others_slot_one_is_refused_as_a_double_booking(
    office: PostgresOffice,
) -> None:
    organizer = a_user()
    calendar = a_calendar(organizer)
    room = a_room()
    async with office.uow as uow:
        await uow.users.add(organizer)
        await uow.calendars.add(calendar)
        await uow.rooms.add(room)
        await uow.commit()
    holding = asyncio.Event()

    async def someone_waits_for_a_lock() -> bool:
        rows = await office.rows("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return bool(rows)

    async def holder() -> None:
        async with office.unit_of_work() as uow:
            await uow.events.add(an_event(calendar, organizer, room_id=room.id, starts_at=at(10), ends_at=at(11)))
            holding.set()
            await wait_for(someone_waits_for_a_lock, timeout=10, what="the contender to wait for the holder")
            # Overlaps the contender's booking, which waits for this transaction: each now waits for the other.
            await uow.events.add(an_event(calendar, organizer, room_id=room.id, starts_at=at(11), ends_at=at(12)))
            await uow.commit()

    async def contender() -> None:
        await holding.wait()
        async with office.unit_of_work() as uow:
            await uow.events.add(
                an_event(calendar, organizer, room_id=room.id, starts_at=at(10, 30), ends_at=at(11, 30))
            )
            await uow.commit()

    outcomes = await asyncio.gather(holder(), contender(), return_exceptions=True)

    refused = [outcome for outcome in outcomes if isinstance(outcome, RoomAlreadyBooked)]
    assert len(refused) == 1, outcomes
    assert outcomes.count(None) == 1, outcomes
    assert isinstance(refused[0].__cause__, asyncpg.DeadlockDetectedError)
    assert refused[0].room_id == room.id
