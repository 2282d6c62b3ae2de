"""The unit of work on PostgreSQL: one transaction, the outbox in the same commit, refusals as domain errors."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.outbox.codec import decode_event
from adapters.postgres.outbox.store import OUTBOX_CHANNEL
from domain.accounts.user import User
from domain.errors import EmailAlreadyRegistered, RoomAlreadyBooked
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.time_range import TimeRange
from tests.integration.scheduling.office import PostgresOffice
from tests.support.waiting import wait_for
from tests.unit.scheduling.factories import a_calendar, a_room, a_user, an_event, at


async def test_outbox_rows_are_written_in_the_same_commit_as_the_change(office: PostgresOffice) -> None:
    ada = await office.person(name="Ada")

    outbox = await office.outbox()

    assert [row.name for row in outbox] == ["user_registered", "calendar_created"]
    committed = [message.event for message in office.uow.committed]
    assert [row.name for row in outbox] == [event.name for event in committed]
    registered = decode_event(outbox[0].name, outbox[0].payload)
    assert registered == committed[0]
    assert outbox[0].payload["user_id"] == str(ada.id)
    assert isinstance(outbox[0].occurred_at, datetime)
    assert (outbox[0].occurred_at, outbox[0].enqueued_at, outbox[0].attempts) == (office.clock.now(), None, 0)
    assert [message.id for message in office.uow.committed] == [row.id for row in outbox]


async def test_leaving_without_commit_rolls_back_the_change_and_its_events(office: PostgresOffice) -> None:
    user = a_user()
    async with office.uow as uow:
        await uow.users.add(user)
        assert [event.name for event in user.pending_events] == ["user_registered"]

    assert all(rows == [] for rows in (await office.dump()).values())
    assert user.pending_events == ()


async def test_a_refused_use_case_leaves_the_database_exactly_as_it_was(office: PostgresOffice) -> None:
    ada = await office.person()
    room = await office.room()
    await office.event(ada, room_id=room.id)
    before = await office.dump()

    with pytest.raises(RoomAlreadyBooked):
        await office.event(ada, room_id=room.id, participants=[ada.email])

    assert await office.dump() == before


async def test_a_commit_with_outbox_messages_wakes_the_listeners_and_a_refused_one_does_not(
    office: PostgresOffice, direct_engine: AsyncEngine
) -> None:
    heard: list[str] = []

    def hear(_connection: object, _pid: int, channel: str, _payload: str) -> None:
        heard.append(channel)

    def heard_times(count: int) -> Callable[[], Awaitable[bool]]:
        async def condition() -> bool:
            return heard == [OUTBOX_CHANNEL] * count

        return condition

    ada = await office.person()
    room = await office.room()
    # LISTEN on a session of its own (past PgBouncer, when the suite runs behind one), as the relay does.
    async with direct_engine.connect() as connection:
        listener = (await connection.get_raw_connection()).driver_connection
        assert listener is not None
        await listener.add_listener(OUTBOX_CHANNEL, hear)
        try:
            await office.event(ada, room_id=room.id)
            await wait_for(heard_times(1), timeout=5, what="the commit's notification")

            with pytest.raises(RoomAlreadyBooked):
                await office.event(ada, room_id=room.id)
            await office.person()
            await wait_for(heard_times(2), timeout=5, what="the next commit's notification")
            await asyncio.sleep(0.3)  # a third (the refused commit's) would have arrived by now

            assert heard == [OUTBOX_CHANNEL] * 2, "one notification per commit, none for the refused one"
        finally:
            await listener.remove_listener(OUTBOX_CHANNEL, hear)


async def test_statements_run_on_the_driver_belong_to_the_units_transaction(office: PostgresOffice) -> None:
    ada = await office.person()
    before = await office.dump()
    user = a_user()

    async with office.uow as uow:
        await uow.users.add(user)  # through SQLAlchemy
        found = await uow.users.find(ids=[ada.id, user.id])  # on the driver, in the same transaction
        assert {person.id for person in found} == {ada.id, user.id}
        calendar = a_calendar(owner=ada)
        await uow.calendars.add(calendar)
        read = await uow.calendars.get(calendar.id)  # on the driver
        assert read is not None
        assert (read.name, set(read.members)) == (calendar.name, set(calendar.members))
        # Leaving without a commit rolls back what both wrote.

    assert await office.dump() == before
    async with office.uow as uow:
        calendar = await uow.calendars.personal_calendar_of(ada.id)
        assert calendar is not None
        await uow.events.add(an_event(calendar, ada))  # the transaction's first statement, on the driver
    assert await office.dump() == before, "the driver's first statement began the transaction, rolled back"
    async with office.uow as uow:
        assert await uow.users.find(ids=[user.id]) == []
        await uow.commit()
        assert await uow.users.find(ids=[ada.id]) != [], "a transaction after a commit reads on a new connection"


async def test_a_second_registration_with_the_same_email_is_refused(office: PostgresOffice) -> None:
    await office.person(email="ada@example.com")
    before = await office.dump()

    with pytest.raises(EmailAlreadyRegistered):
        await office.person(email="ADA@example.com ")

    assert await office.dump() == before


async def test_the_unique_email_index_refuses_a_racing_sign_up_and_the_transaction_goes_on(
    office: PostgresOffice,
) -> None:
    first, racing = a_user(email="ada@example.com"), a_user(email="ada@example.com")
    async with office.uow as uow:
        await uow.users.add(first)
        await uow.commit()

    async with office.uow as uow:
        with pytest.raises(EmailAlreadyRegistered) as refused:
            await uow.users.add(racing)
        # The refusal was confined to a savepoint: the rest of the transaction still commits.
        other = a_user()
        await uow.users.add(other)
        await uow.commit()

    assert refused.value.email == "ada@example.com"
    assert {row.id for row in await office.rows("SELECT id FROM users")} == {first.id, other.id}
    assert [row.name for row in await office.outbox()] == ["user_registered", "user_registered"]


async def a_booked_room(office: PostgresOffice) -> tuple[User, Calendar, Event]:
    """An organizer, their calendar and their event booking a room from 10 to 11, committed."""
    organizer = a_user()
    calendar = a_calendar(organizer)
    room = a_room()
    first = an_event(calendar, organizer, room_id=room.id, starts_at=at(10), ends_at=at(11))
    async with office.uow as uow:
        await uow.users.add(organizer)
        await uow.calendars.add(calendar)
        await uow.rooms.add(room)
        await uow.events.add(first)
        await uow.commit()
    return organizer, calendar, first


async def test_a_booking_its_statement_refuses_is_named_by_the_unit_of_work_once_rolled_back(
    office: PostgresOffice,
) -> None:
    organizer, calendar, first = await a_booked_room(office)
    before = await office.dump()

    with pytest.raises(RoomAlreadyBooked) as refused:
        async with office.uow as uow:
            await uow.events.add(an_event(calendar, organizer, room_id=first.room_id, starts_at=at(10, 30)))

    assert (refused.value.conflicting_event_id, refused.value.starts_at, refused.value.ends_at) == (
        first.id,
        at(10),
        at(11),
    )
    # The repository let PostgreSQL's own refusal go up; the unit of work rolled back and named it.
    assert isinstance(refused.value.__cause__, asyncpg.ExclusionViolationError)
    assert await office.dump() == before


async def test_a_move_onto_a_taken_slot_refused_through_sqlalchemy_is_named_alike(office: PostgresOffice) -> None:
    organizer, calendar, first = await a_booked_room(office)
    moving = an_event(calendar, organizer, room_id=first.room_id, starts_at=at(14), ends_at=at(15))
    async with office.uow as uow:
        await uow.events.add(moving)
        await uow.commit()
    before = await office.dump()

    async with office.uow as uow:
        moved = await uow.events.get(moving.id)
    assert moved is not None
    moved.update(
        EventChanges(starts_at=at(10, 30), ends_at=at(11, 30)), by_user_id=organizer.id, now=office.clock.now()
    )

    with pytest.raises(RoomAlreadyBooked) as refused:
        async with office.uow as uow:
            await uow.events.save(moved)

    assert refused.value.conflicting_event_id == first.id
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert await office.dump() == before


async def test_a_booking_refused_only_at_commit_is_still_room_already_booked(office: PostgresOffice) -> None:
    organizer, calendar, first = await a_booked_room(office)
    room_id = first.room_id
    before = await office.dump()

    async with office.uow as uow:
        # A deferred twin of the constraint (undone with the transaction) moves the refusal to COMMIT.
        await uow.session.execute(
            text(
                "ALTER TABLE event_occurrences DROP CONSTRAINT ex_events_room_slot, ADD CONSTRAINT ex_events_room_slot "
                "EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
                "WHERE (room_id IS NOT NULL) DEFERRABLE INITIALLY DEFERRED"
            )
        )
        await uow.events.add(an_event(calendar, organizer, room_id=room_id, starts_at=at(10, 30), ends_at=at(12)))
        with pytest.raises(RoomAlreadyBooked) as refused:
            await uow.commit()

    assert (refused.value.conflicting_event_id, refused.value.starts_at, refused.value.ends_at) == (
        first.id,
        at(10),
        at(11),
    )
    assert await office.dump() == before


async def test_a_unit_of_work_serves_one_transaction_after_another(office: PostgresOffice) -> None:
    ada = await office.person()
    await office.event(ada, title="One", starts_at=at(9))
    await office.event(ada, title="Two", starts_at=at(10))

    async with office.uow as uow:
        events = await uow.events.list_visible_in_window(ada.id, TimeRange(at(0), at(23)))

    assert [event.title for event in events] == ["One", "Two"]


async def test_a_unit_of_work_is_used_inside_async_with_only(office: PostgresOffice) -> None:
    with pytest.raises(RuntimeError):
        office.uow.users  # noqa: B018
    async with office.uow:
        with pytest.raises(RuntimeError):
            await office.uow.__aenter__()


async def test_events_created_through_a_use_case_reach_the_outbox_in_order(office: PostgresOffice) -> None:
    ada, bob = await office.person(), await office.person()
    await office.event(ada, participants=[bob.email])

    names = [row.name for row in await office.outbox()]

    assert names[-2:] == ["event_created", "participant_invited"]
