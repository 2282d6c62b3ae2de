"""Free/busy: when people and rooms are taken, never what takes them."""

from collections.abc import Callable
from dataclasses import replace
from uuid import UUID

from application.availability.dto import AskFreeBusy, FreeBusy, PersonFreeBusy, RoomFreeBusy
from application.availability.people import distinct_emails, find_people
from application.cache import GENERATION_MARK, USER_MARK, CalendarReads, free_busy_key
from application.unit_of_work import UnitOfWork
from domain.availability.suggestions import MAX_PARTICIPANTS, MAX_ROOMS_ASKED, MAX_WINDOW
from domain.errors import InvalidInput
from domain.scheduling.room import Room
from domain.scheduling.time_range import TimeRange

PersonEncoder = Callable[[PersonFreeBusy], bytes]
"""How the caller encodes a known person's part of the answer (the API's JSON)."""


async def free_busy(
    query: AskFreeBusy,
    *,
    uow: UnitOfWork,
    reads: CalendarReads | None = None,
    encode: PersonEncoder | None = None,
) -> FreeBusy:
    """Each person's and room's merged busy blocks in [start, end), with each person's working spans.

    No title, place or guest of any event is read: only when, and how (busy, tentative, out of office).
    With `reads` and `encode`, each known person's part comes `encoded`, from the cache where it is
    (kept per person and window under their generation): a request for the same week as the last
    one decodes and encodes no busy block at all.
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
    use_cache = reads is not None and encode is not None
    template = free_busy_key(USER_MARK, GENERATION_MARK, window.starts_at, window.ends_at)
    async with uow.reading():
        found = await find_people(uow, emails, reads=reads if use_cache else None, templates=[template])
        known = found.by_email
        cached: dict[UUID, bytes] = {}
        for user_id in (c.user_id for c in known.values()):
            generation_and_part = found.cached.get(user_id)
            if generation_and_part is not None and (part := generation_and_part[1][0]) is not None:
                cached[user_id] = part
        missing = {c.user_id: c.zone for c in known.values() if c.user_id not in cached}
        busy = await uow.availability.busy_of(missing, window) if missing else {}
        rooms = (
            {room.id: (room, booked) for room, booked in await uow.availability.rooms_booked(room_ids, window)}
            if room_ids
            else {}
        )
    people = []
    store: dict[str, bytes] = {}
    for email in emails:
        colleague = known.get(email)
        if colleague is None:
            people.append(PersonFreeBusy(email=email, known=False))
            continue
        user_id = colleague.user_id
        if user_id in cached:
            people.append(PersonFreeBusy(email=email, known=True, timezone=colleague.zone, encoded=cached[user_id]))
            continue
        person = PersonFreeBusy(
            email=email,
            known=True,
            timezone=colleague.zone,
            busy=busy.get(user_id, ()),
            working_hours=colleague.hours.spans_in(window),
        )
        if encode is not None:
            encoded = encode(person)
            person = replace(person, encoded=encoded)
            if user_id in found.cached:  # a person whose generation is known: their part is kept under it
                store[free_busy_key(user_id, found.cached[user_id][0], window.starts_at, window.ends_at)] = encoded
        people.append(person)
    if reads is not None and store:
        await reads.store_many(store)
    return FreeBusy(
        window=window,
        people=people,
        rooms=[_room_free_busy(room_id, rooms) for room_id in room_ids],
    )


def _room_free_busy(room_id: UUID, rooms: dict[UUID, tuple[Room, list[TimeRange]]]) -> RoomFreeBusy:
    found = rooms.get(room_id)
    if found is None:
        return RoomFreeBusy(room_id=room_id, room=None)
    room, booked = found  # merged, in order and clipped by the repository
    return RoomFreeBusy(room_id=room_id, room=room, busy=booked)
