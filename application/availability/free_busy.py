"""Free/busy: when people and rooms are taken, never what takes them."""

from uuid import UUID

from application.availability.dto import AskFreeBusy, FreeBusy, PersonFreeBusy, RoomFreeBusy
from application.availability.people import colleagues, distinct_emails
from application.unit_of_work import UnitOfWork
from domain.availability.busy import BusyBlock, BusyStatus, merged_busy
from domain.availability.suggestions import MAX_PARTICIPANTS, MAX_ROOMS_ASKED, MAX_WINDOW
from domain.errors import InvalidInput
from domain.scheduling.room import Room
from domain.scheduling.time_range import TimeRange


async def free_busy(query: AskFreeBusy, *, uow: UnitOfWork) -> FreeBusy:
    """Each person's and room's merged busy blocks in [start, end), with each person's working spans.

    No title, place or guest of any event is read: only when, and how (busy, tentative, out of office).
    """
    window = TimeRange.window(query.start, query.end)
    if window.duration > MAX_WINDOW:
        raise InvalidInput("end", f"the window spans at most {MAX_WINDOW.days} days")
    emails = distinct_emails(query.emails, field="emails")
    room_ids = list(dict.fromkeys(query.room_ids))
    if len(emails) > MAX_PARTICIPANTS:
        raise InvalidInput("emails", f"ask about at most {MAX_PARTICIPANTS} people at once")
    if len(room_ids) > MAX_ROOMS_ASKED:
        raise InvalidInput("rooms", f"ask about at most {MAX_ROOMS_ASKED} rooms at once")
    if not emails and not room_ids:
        raise InvalidInput("emails", "ask about at least one person or room")
    async with uow:
        known, _ = await colleagues(uow, emails)
        busy = await uow.availability.busy_of({c.user.id: c.zone for c in known.values()}, window)
        rooms = {room.id: room for room in await uow.rooms.list_all() if room.id in set(room_ids)} if room_ids else {}
        booked = await uow.availability.room_bookings(list(rooms), window)
    people = []
    for email in emails:
        colleague = known.get(email)
        if colleague is None:
            people.append(PersonFreeBusy(email=email, known=False))
            continue
        people.append(
            PersonFreeBusy(
                email=email,
                known=True,
                timezone=colleague.zone,
                busy=merged_busy(busy.get(colleague.user.id, ()), within=window),
                working_hours=colleague.hours.spans_in(window),
            )
        )
    return FreeBusy(
        window=window,
        people=people,
        rooms=[_room_free_busy(room_id, rooms, booked, window) for room_id in room_ids],
    )


def _room_free_busy(
    room_id: UUID, rooms: dict[UUID, Room], booked: dict[UUID, list[TimeRange]], window: TimeRange
) -> RoomFreeBusy:
    room = rooms.get(room_id)
    if room is None:
        return RoomFreeBusy(room_id=room_id, room=None)
    blocks = merged_busy((BusyBlock(slot, BusyStatus.BUSY) for slot in booked.get(room_id, ())), within=window)
    return RoomFreeBusy(room_id=room_id, room=room, busy=[block.time_range for block in blocks])
