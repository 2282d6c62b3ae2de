"""Busy time and room bookings in whole microseconds: the same blocks as their datetime forms, to the microsecond."""

from datetime import timedelta

from domain.availability.busy import busy_pieces
from domain.scheduling.time_range import TimeRange
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import MONDAY, at

ODD = timedelta(seconds=7, microseconds=123_457)
"""Off the minute and the second: a microsecond lost on the way would show."""


async def test_busy_pieces_and_room_micros_are_the_blocks_and_bookings_to_the_microsecond(
    office: PostgresOffice,
) -> None:
    ada, bob = await office.person(), await office.person()
    first, second, idle = await office.room(), await office.room(), await office.room()
    await office.event(ada, room_id=first.id, participants=[bob.email], starts_at=at(9) + ODD, ends_at=at(10))
    await office.event(ada, room_id=first.id, starts_at=at(10), ends_at=at(11) + ODD)
    await office.event(ada, room_id=second.id, starts_at=at(14, day=1), ends_at=at(15, day=1))
    await office.event(bob, starts_at=at(9, 30), ends_at=at(12))
    window = TimeRange(MONDAY + timedelta(hours=9, minutes=45), MONDAY + timedelta(days=7))
    zones = {ada.id: "UTC", bob.id: "Europe/Berlin"}
    rooms = [first.id, second.id, idle.id]

    async with office.unit_of_work() as uow:
        blocks = await uow.availability.busy_of(zones, window)
        pieces = await uow.availability.busy_pieces_of(zones, window)
        bookings = {room.id: booked for room, booked in await uow.availability.rooms_booked(rooms, window)}
        micros = {s.room.id: s.booked for s in await uow.availability.rooms_seating(1, window) if s.room.id in rooms}

    assert {user: busy_pieces(found) for user, found in blocks.items()} == pieces
    assert len(pieces[ada.id]) == 2
    assert pieces[bob.id]
    # Free/busy's bookings are clipped to the window, suggestions' are not: the first begins before it.
    assert bookings[first.id] == [TimeRange(window.starts_at, at(11) + ODD)]
    # ... and each booking is one span, adjacent ones not joined (the ranking marks each).
    assert micros[first.id] == [TimeRange(at(9) + ODD, at(10)).micros, TimeRange(at(10), at(11) + ODD).micros]
    assert (
        [span.micros for span in bookings[second.id]]
        == micros[second.id]
        == [TimeRange(at(14, day=1), at(15, day=1)).micros]
    )
    assert bookings[idle.id] == micros[idle.id] == []
