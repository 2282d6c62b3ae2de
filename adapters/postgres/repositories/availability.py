"""Working hours, out-of-office ranges and busy time on PostgreSQL, busy time cached in Redis.

Busy time is read from `event_occurrences` (every stored occurrence of every series, single events
once), so a series begun long before the window, an occurrence moved on its own and an all-day
date all count, without expanding a rule on the request path.

Each person's merged blocks are cached per UTC week (application/cache.py `busy_key`) under that
person's generation, the one their week view's cached answers carry: every commit that changes what
they see (an event, an invitation, an answer, a mirrored Google calendar) bumps it, and so does a
change of their out-of-office ranges or of their working hours (free/busy's cached answers show
them) (`touched_people`, bumped by the unit of work after its commit). A window is answered from
the weeks it covers, joined and clipped; the people whose weeks are missing are read in one
statement and their weeks stored.

Rooms' bookings are cached per window (free/busy's rooms one by one, suggestions' rooms seating a
number all at once) under the rooms' generation (application/cache.py `ROOMS`), which the events
and rooms repositories note as touched when a write of theirs books, moves or frees a room, or
adds, changes or removes one.
"""

import json
from array import array
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Text, any_, delete, insert, select, text
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.driver import DriverStatement, Row
from adapters.postgres.models import OutOfOfficeRow, WorkingHoursRow
from adapters.postgres.repositories.arrays import ids_parameter
from application.cache import GENERATION_MARK, ROOMS, CalendarReads, busy_key, rooms_booked_key, rooms_seating_key
from domain.availability.busy import BusyBlock, BusyPiece, BusyStatus
from domain.availability.out_of_office import OutOfOffice
from domain.availability.suggestions import RoomSchedule
from domain.availability.working_hours import Colleague, WorkingHours, WorkingSpan, clock_text
from domain.scheduling.room import Room
from domain.scheduling.time_range import TimeRange

# One statement answers each person's busy time merged: their own calendars (personal and mirrored
# from Google), the events they organize elsewhere (a shared calendar) and their invitations, each
# branch on its own index; an answer given to one occurrence of a series overrides the series'
# answer, as the week view shows it. PostgreSQL merges the spans of each status (range_agg), takes
# from each what a stronger status holds (out of office > busy > tentative) and clips them to the
# window, so each person is one row of three multiranges however many events overlap.
_BUSY = text(
    """
    WITH asked AS (
        SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:zones AS text[])) AS a(user_id, zone)
    ), own AS (
        SELECT c.owner_id AS user_id, c.id AS calendar_id
        FROM calendars c WHERE c.owner_id = ANY(CAST(:ids AS uuid[])) AND c.is_personal
        UNION
        SELECT g.user_id, g.calendar_id FROM google_calendars g WHERE g.user_id = ANY(CAST(:ids AS uuid[]))
    ), taken AS (
        SELECT own.user_id, o.starts_at, o.ends_at, o.start_date, o.end_date, 'accepted' AS answer
        FROM own
        JOIN event_occurrences o ON o.calendar_id = own.calendar_id
         AND tstzrange(o.starts_at, o.ends_at, '[)')
             && tstzrange(CAST(:widened_start AS timestamptz), CAST(:widened_end AS timestamptz), '[)')
        JOIN events e ON e.id = o.event_id AND e.transparency = 'busy' AND e.status = 'confirmed'
        UNION ALL
        SELECT e.organizer_id, o.starts_at, o.ends_at, o.start_date, o.end_date, 'accepted'
        FROM events e
        JOIN event_occurrences o ON o.event_id = e.id
         AND tstzrange(o.starts_at, o.ends_at, '[)')
             && tstzrange(CAST(:widened_start AS timestamptz), CAST(:widened_end AS timestamptz), '[)')
        WHERE e.organizer_id = ANY(CAST(:ids AS uuid[])) AND e.transparency = 'busy' AND e.status = 'confirmed'
          AND NOT EXISTS (SELECT 1 FROM own WHERE own.user_id = e.organizer_id AND own.calendar_id = e.calendar_id)
        UNION ALL
        SELECT p.user_id, o.starts_at, o.ends_at, o.start_date, o.end_date,
               COALESCE(
                   CASE WHEN e.overrides <> '[]'::jsonb THEN (
                       SELECT ov -> 'responses' ->> CAST(p.user_id AS text)
                       FROM jsonb_array_elements(e.overrides) ov
                       WHERE CAST(ov ->> 'recurrence_id' AS timestamptz) = o.recurrence_id
                       LIMIT 1
                   ) END,
                   p.status
               )
        FROM event_participants p
        JOIN events e ON e.id = p.event_id AND e.transparency = 'busy' AND e.status = 'confirmed'
        JOIN event_occurrences o ON o.event_id = p.event_id
         AND tstzrange(o.starts_at, o.ends_at, '[)')
             && tstzrange(CAST(:widened_start AS timestamptz), CAST(:widened_end AS timestamptz), '[)')
        WHERE p.user_id = ANY(CAST(:ids AS uuid[])) AND (p.status <> 'declined' OR e.overrides <> '[]'::jsonb)
    ), spans AS (
        SELECT t.user_id, t.answer = 'accepted' AS sure,
               CASE WHEN t.start_date IS NULL THEN tstzrange(t.starts_at, t.ends_at, '[)')
                    ELSE tstzrange(CAST(t.start_date AS timestamp) AT TIME ZONE a.zone,
                                   CAST(t.end_date AS timestamp) AT TIME ZONE a.zone, '[)')
               END AS span
        FROM taken t JOIN asked a ON a.user_id = t.user_id
        WHERE t.answer <> 'declined'
    ), merged AS (
        SELECT asked.user_id,
               COALESCE(b.busy, '{}') * w.window_ AS busy,
               COALESCE(b.tentative, '{}') * w.window_ AS tentative,
               COALESCE(x.away, '{}') * w.window_ AS away
        FROM asked
        CROSS JOIN (
            SELECT tstzmultirange(tstzrange(CAST(:window_start AS timestamptz), CAST(:window_end AS timestamptz), '[)'))
        ) w(window_)
        LEFT JOIN (
            SELECT user_id, range_agg(span) FILTER (WHERE sure) AS busy,
                   range_agg(span) FILTER (WHERE NOT sure) AS tentative
            FROM spans GROUP BY user_id
        ) b ON b.user_id = asked.user_id
        LEFT JOIN (
            SELECT user_id, range_agg(tstzrange(starts_at, ends_at, '[)')) AS away
            FROM out_of_office
            WHERE user_id = ANY(CAST(:ids AS uuid[]))
              AND starts_at < CAST(:window_end AS timestamptz) AND ends_at > CAST(:window_start AS timestamptz)
            GROUP BY user_id
        ) x ON x.user_id = asked.user_id
    )
    SELECT user_id, away, busy - away AS busy, tentative - busy - away AS tentative FROM merged
    """
)
# The rooms asked about, each with its bookings merged (range_agg), in one statement: a room without
# bookings has none (NULL). Run on asyncpg itself (adapters/postgres/driver.py), as the working hours are.
_ROOMS_BOOKED = DriverStatement(
    text(
        """
    SELECT r.id, r.name, r.capacity, r.location, r.created_at, b.booked
    FROM rooms r
    LEFT JOIN LATERAL (
        SELECT range_agg(tstzrange(o.starts_at, o.ends_at, '[)')) AS booked FROM event_occurrences o
        WHERE o.room_id = r.id
          AND tstzrange(o.starts_at, o.ends_at, '[)')
              && tstzrange(CAST(:window_start AS timestamptz), CAST(:window_end AS timestamptz), '[)')
    ) b ON true
    WHERE r.id = ANY(CAST(:rooms AS uuid[]))
    """
    )
)
# Every room seating enough people, each with its bookings overlapping the window as whole microseconds
# since the epoch in two bigint arrays, by start: what suggestions rank with. asyncpg then decodes
# plain integers instead of a range of two datetimes a booking. Bookings are not merged: marking the
# candidates each one overlaps marks the same ones (and a room's bookings never overlap), and
# PostgreSQL skips range_agg, unnest and a sort a room. The seconds are read as double precision
# (date_part), not numeric (extract), at half the cost: a double holds microseconds since the epoch
# exactly until 2255, and rounding the product gives them back.
_ROOMS_SEATING = DriverStatement(
    text(
        """
    SELECT r.id, r.name, r.capacity, r.location, r.created_at, b.starts, b.ends
    FROM rooms r
    LEFT JOIN LATERAL (
        SELECT array_agg(CAST(round(date_part('epoch', o.starts_at) * 1000000) AS bigint) ORDER BY o.starts_at)
                   AS starts,
               array_agg(CAST(round(date_part('epoch', o.ends_at) * 1000000) AS bigint) ORDER BY o.starts_at)
                   AS ends
        FROM event_occurrences o
        WHERE o.room_id = r.id
          AND tstzrange(o.starts_at, o.ends_at, '[)')
              && tstzrange(CAST(:window_start AS timestamptz), CAST(:window_end AS timestamptz), '[)')
    ) b ON true
    WHERE r.capacity >= :seats
    ORDER BY r.name, r.id
    """
    )
)
# Who the emails and ids name, with their working weeks (NULL: never set), in one statement.
_COLLEAGUES = DriverStatement(
    text(
        """
    SELECT u.id, u.email, u.timezone, w.timezone AS hours_zone, CAST(w.days AS text) AS days
    FROM users u LEFT JOIN working_hours w ON w.user_id = u.id
    WHERE u.id = ANY(CAST(:ids AS uuid[])) OR u.email = ANY(CAST(:emails AS text[]))
    """
    )
)
# Built once and run on asyncpg itself (adapters/postgres/driver.py): free/busy and suggestions read it each time.
_WORKING_HOURS = DriverStatement(
    select(
        WorkingHoursRow.__table__.c.user_id,
        WorkingHoursRow.__table__.c.timezone,
        sql_cast(WorkingHoursRow.__table__.c.days, Text).label("days"),
    ).where(WorkingHoursRow.__table__.c.user_id == any_(ids_parameter("ids")))
)
_WIDENING = timedelta(days=1)
"""A day: an all-day occurrence is stored in its event's zone, and no zone is a day from another."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_A_MONDAY = datetime(1970, 1, 5, tzinfo=UTC)
_WEEK = timedelta(days=7)
_MICROSECOND = timedelta(microseconds=1)
_STATUSES = tuple(BusyStatus)
_RANK = {status: rank for rank, status in enumerate(_STATUSES)}

Piece = tuple[int, int, int]
"""A busy block as (start, end) in microseconds since the epoch, and its status' rank in BusyStatus."""


class SqlAvailabilityRepository:
    """Implements domain.availability.ports.AvailabilityRepository; `reads` caches busy time (None: never)."""

    def __init__(
        self, session: AsyncSession, *, reads: CalendarReads | None = None, touched_people: set[UUID] | None = None
    ) -> None:
        self._session = session
        self._reads = reads
        self._touched_people = touched_people if touched_people is not None else set()

    async def colleagues(self, *, emails: Collection[str] = (), ids: Collection[UUID] = ()) -> list[Colleague]:
        """The registered people of these emails or ids, each once, with their working weeks (one statement)."""
        if not emails and not ids:
            return []
        rows = await _COLLEAGUES.fetch(self._session, {"ids": list(ids), "emails": list(emails)})
        return [_colleague(*row) for row in rows]  # a row's values, in the statement's order

    async def working_hours_of(self, user_ids: Collection[UUID]) -> dict[UUID, WorkingHours]:
        """The working hours set by these people; those who never set theirs are missing."""
        if not user_ids:
            return {}
        rows = await _WORKING_HOURS.fetch(self._session, {"ids": list(user_ids)})
        return {row.user_id: _working_hours(row.timezone, row.days) for row in rows}

    async def set_working_hours(self, user_id: UUID, hours: WorkingHours, *, now: datetime) -> None:
        """Keep the person's working hours, replacing what they had (their cached free/busy shows them: stale)."""
        self._touched_people.add(user_id)
        days = {day: [[clock_text(s.start), clock_text(s.end)] for s in spans] for day, spans in hours.days.items()}
        statement = upsert(WorkingHoursRow).values(user_id=user_id, timezone=hours.timezone, days=days, updated_at=now)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[WorkingHoursRow.user_id],
                set_={
                    "timezone": statement.excluded.timezone,
                    "days": statement.excluded.days,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )

    async def out_of_office_of(self, user_id: UUID) -> list[OutOfOffice]:
        """The person's out-of-office ranges, by start."""
        rows = await self._session.execute(
            select(OutOfOfficeRow.__table__)
            .where(OutOfOfficeRow.user_id == user_id)
            .order_by(OutOfOfficeRow.starts_at, OutOfOfficeRow.id)
        )
        return [
            OutOfOffice(
                id=row.id,
                user_id=row.user_id,
                time_range=TimeRange(row.starts_at, row.ends_at),
                note=row.note,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def add_out_of_office(self, absence: OutOfOffice) -> None:
        """Keep a new out-of-office range."""
        self._touched_people.add(absence.user_id)
        await self._session.execute(
            insert(OutOfOfficeRow).values(
                id=absence.id,
                user_id=absence.user_id,
                starts_at=absence.time_range.starts_at,
                ends_at=absence.time_range.ends_at,
                note=absence.note,
                created_at=absence.created_at,
            )
        )

    async def remove_out_of_office(self, user_id: UUID, absence_id: UUID) -> bool:
        """Delete the person's range; False when they have none with this id."""
        self._touched_people.add(user_id)
        result = await self._session.execute(
            delete(OutOfOfficeRow)
            .where(OutOfOfficeRow.id == absence_id, OutOfOfficeRow.user_id == user_id)
            .returning(OutOfOfficeRow.id)
        )
        return result.first() is not None

    async def busy_of(self, zones: Mapping[UUID, str], window: TimeRange) -> dict[UUID, list[BusyBlock]]:
        """Each person's busy blocks in `window`, merged, in order (see the port): from the cache where it has them."""
        found = await self._pieces_of(zones, window)
        return {user_id: _blocks(pieces) for user_id, pieces in found.items()}

    async def busy_pieces_of(self, zones: Mapping[UUID, str], window: TimeRange) -> dict[UUID, list[BusyPiece]]:
        """`busy_of`'s blocks as pieces in whole microseconds (no datetime built): what suggestions rank with."""
        found = await self._pieces_of(zones, window)
        statuses = _STATUSES
        return {
            user_id: [(start, end, statuses[rank]) for start, end, rank in pieces] for user_id, pieces in found.items()
        }

    async def _pieces_of(self, zones: Mapping[UUID, str], window: TimeRange) -> dict[UUID, list[Piece]]:
        """Each person's merged pieces in `window`, in order: from the cache where it has them."""
        if not zones:
            return {}
        if self._reads is None or not self._reads.enabled:
            computed = await self._busy_pieces(zones, window)
            return {user_id: computed.get(user_id, []) for user_id in zones}
        weeks = _weeks_covering(window)
        templates = {
            user_id: [busy_key(user_id, GENERATION_MARK, zone, week) for week in weeks]
            for user_id, zone in zones.items()
        }
        cached = await self._reads.read_many(templates)
        weekly: dict[UUID, list[list[Piece]]] = {}
        missing: dict[UUID, str] = {}
        for user_id, zone in zones.items():
            found = cached.get(user_id)
            if found is None or any(value is None for value in found[1]):
                missing[user_id] = zone
            else:
                weekly[user_id] = [_decoded(value) for value in found[1] if value is not None]
        if missing:
            computed = await self._busy_pieces(missing, TimeRange.already_checked(weeks[0], weeks[-1] + _WEEK))
            store: dict[str, bytes] = {}
            for user_id, zone in missing.items():
                weekly[user_id] = _by_week(computed.get(user_id, []), weeks)
                if user_id in cached:
                    generation = cached[user_id][0]
                    for week, pieces in zip(weeks, weekly[user_id], strict=True):
                        store[busy_key(user_id, generation, zone, week)] = _encoded(pieces)
            await self._reads.store_many(store)
        low, high = _micros(window.starts_at), _micros(window.ends_at)
        return {user_id: _clipped(_joined(weekly[user_id]), low, high) for user_id in zones}

    async def _busy_pieces(self, zones: Mapping[UUID, str], window: TimeRange) -> dict[UUID, list[Piece]]:
        """Each person's merged blocks in `window`, as pieces in order, in one statement."""
        values: dict[str, Any] = {
            "ids": list(zones),
            "zones": list(zones.values()),
            "window_start": window.starts_at,
            "window_end": window.ends_at,
            "widened_start": window.starts_at - _WIDENING,
            "widened_end": window.ends_at + _WIDENING,
        }
        away_rank, busy_rank, tentative_rank = (
            _RANK[BusyStatus.OUT_OF_OFFICE],
            _RANK[BusyStatus.BUSY],
            _RANK[BusyStatus.TENTATIVE],
        )
        pieces: dict[UUID, list[Piece]] = {}
        for user_id, away, sure, maybe in await self._session.execute(_BUSY, values):
            found = [(_micros(r.lower), _micros(r.upper), away_rank) for r in away]
            found.extend((_micros(r.lower), _micros(r.upper), busy_rank) for r in sure)
            found.extend((_micros(r.lower), _micros(r.upper), tentative_rank) for r in maybe)
            found.sort()
            pieces[user_id] = found
        return pieces

    async def rooms_booked(self, room_ids: Collection[UUID], window: TimeRange) -> list[tuple[Room, list[TimeRange]]]:
        """The rooms of these ids that exist, each with its booked time in `window`: merged, in order, clipped.

        From the cache where it has them (each room and window under the rooms' generation).
        """
        if not room_ids:
            return []
        ids = list(dict.fromkeys(room_ids))
        if self._reads is None or not self._reads.enabled:
            return await self._rooms_booked(ids, window)
        start, end = window.starts_at, window.ends_at
        cached = await self._reads.read_many({ROOMS: [rooms_booked_key(GENERATION_MARK, r, start, end) for r in ids]})
        if ROOMS not in cached:  # the cache does not answer, or a bump of the rooms is pending
            return await self._rooms_booked(ids, window)
        generation, values = cached[ROOMS]
        found: dict[UUID, tuple[Room, Sequence[TimeRange]] | None] = {
            room_id: _booked_of(value) for room_id, value in zip(ids, values, strict=True) if value is not None
        }
        missing = [room_id for room_id in ids if room_id not in found]
        if missing:
            computed = {room.id: (room, booked) for room, booked in await self._rooms_booked(missing, window)}
            store = {}
            for room_id in missing:
                found[room_id] = computed.get(room_id)
                store[rooms_booked_key(generation, room_id, start, end)] = _booked_record(computed.get(room_id))
            await self._reads.store_many(store)
        return [(room[0], list(room[1])) for room_id in ids if (room := found[room_id]) is not None]

    async def _rooms_booked(self, room_ids: list[UUID], window: TimeRange) -> list[tuple[Room, list[TimeRange]]]:
        values = {"rooms": room_ids, "window_start": window.starts_at, "window_end": window.ends_at}
        low, high, checked = window.starts_at, window.ends_at, TimeRange.already_checked
        return [
            (_room_at(row), [checked(max(r.lower, low), min(r.upper, high)) for r in row[5] or ()])  # row[5]: booked
            for row in await _ROOMS_BOOKED.fetch(self._session, values)
        ]

    async def rooms_seating(self, seats: int, window: TimeRange) -> list[RoomSchedule]:
        """Every room seating at least `seats`, by name, with its bookings overlapping `window` in microseconds.

        From the cache where it has them (per seats and window, under the rooms' generation).
        """
        if self._reads is None or not self._reads.enabled:
            return [_schedule_at(row) for row in await self._rooms_seating(seats, window)]
        start, end = window.starts_at, window.ends_at
        cached = await self._reads.read_many({ROOMS: [rooms_seating_key(GENERATION_MARK, seats, start, end)]})
        if ROOMS not in cached:
            return [_schedule_at(row) for row in await self._rooms_seating(seats, window)]
        generation, (value,) = cached[ROOMS]
        if value is not None:
            return list(_schedules_of(value))
        rows = await self._rooms_seating(seats, window)
        await self._reads.store_many({rooms_seating_key(generation, seats, start, end): _seating_record(rows)})
        return [_schedule_at(row) for row in rows]

    async def _rooms_seating(self, seats: int, window: TimeRange) -> list[Row]:
        values = {"seats": seats, "window_start": window.starts_at, "window_end": window.ends_at}
        return await _ROOMS_SEATING.fetch(self._session, values)


def _schedule_at(row: Sequence[Any]) -> RoomSchedule:
    """A room of `_ROOMS_SEATING` and its bookings (its starts and ends, in microseconds)."""
    return RoomSchedule(_room_at(row), list(zip(row[5], row[6], strict=True)) if row[5] else [])


def _seating_record(rows: Sequence[Sequence[Any]]) -> bytes:
    """The rows of `_ROOMS_SEATING` as the cache keeps them (`_schedules_of` reads them back)."""
    rooms = [[str(row[0]), row[1], row[2], row[3], row[4].isoformat(), row[5] or [], row[6] or []] for row in rows]
    return json.dumps(rooms, separators=(",", ":")).encode()


@lru_cache(maxsize=64)
def _schedules_of(record: bytes) -> tuple[RoomSchedule, ...]:
    """The rooms' schedules of a `_seating_record`, remembered by it: the same window and seats, asked
    again before a room changes, build nothing (RoomSchedule and Room are immutable, their booked
    spans are only read)."""
    return tuple(
        _schedule_at((UUID(id_), name, capacity, location, datetime.fromisoformat(created), starts, ends))
        for id_, name, capacity, location, created, starts, ends in json.loads(record)
    )


def _booked_record(answer: tuple[Room, Sequence[TimeRange]] | None) -> bytes:
    """A room and its booked time as the cache keeps them; `null` for a room of no such id."""
    if answer is None:
        return b"null"
    room, booked = answer
    spans = [[_micros(span.starts_at), _micros(span.ends_at)] for span in booked]
    fields = [str(room.id), room.name, room.capacity, room.location, room.created_at.isoformat(), spans]
    return json.dumps(fields, separators=(",", ":")).encode()


@lru_cache(maxsize=1024)
def _booked_of(record: bytes) -> tuple[Room, tuple[TimeRange, ...]] | None:
    """A room and its booked time from `_booked_record`'s bytes, remembered by them."""
    fields = json.loads(record)
    if fields is None:
        return None
    id_, name, capacity, location, created, spans = fields
    room = Room(
        id=UUID(id_), name=name, capacity=capacity, location=location, created_at=datetime.fromisoformat(created)
    )
    checked = TimeRange.already_checked
    return room, tuple(checked(_moment(low), _moment(high)) for low, high in spans)


def _room_at(row: Sequence[Any]) -> Room:
    """The room of a row whose first five values are the room's (id, name, capacity, location, created_at).

    By position: a row read by name costs a lookup a column, and these statements read 50 rooms a request.
    """
    return Room(id=row[0], name=row[1], capacity=row[2], location=row[3], created_at=row[4])


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _weeks_covering(window: TimeRange) -> list[datetime]:
    """The starts (Monday 00:00 UTC) of the weeks `window` overlaps."""
    first = _A_MONDAY + (window.starts_at - _A_MONDAY) // _WEEK * _WEEK
    weeks = [first]
    while weeks[-1] + _WEEK < window.ends_at:
        weeks.append(weeks[-1] + _WEEK)
    return weeks


def _by_week(pieces: Sequence[Piece], weeks: Sequence[datetime]) -> list[list[Piece]]:
    """The pieces (in order, apart) cut at the weeks' bounds, one list a week."""
    cut: list[list[Piece]] = []
    for week in weeks:
        low, high = _micros(week), _micros(week + _WEEK)
        cut.append(_clipped(pieces, low, high))
    return cut


def _clipped(pieces: Sequence[Piece], low: int, high: int) -> list[Piece]:
    """The pieces (in order, apart) within [low, high): as they are when all of them already lie inside."""
    if not pieces or (pieces[0][0] >= low and pieces[-1][1] <= high):
        return list(pieces)
    return [(max(start, low), min(end, high), rank) for start, end, rank in pieces if start < high and end > low]


def _joined(weeks: Sequence[Sequence[Piece]]) -> list[Piece]:
    """The weeks' pieces as one list: a block cut at a week's end is whole again."""
    joined: list[Piece] = []
    for pieces in weeks:
        if joined and pieces and joined[-1][1] == pieces[0][0] and joined[-1][2] == pieces[0][2]:
            joined[-1] = (joined[-1][0], pieces[0][1], pieces[0][2])
            joined.extend(pieces[1:])
        else:
            joined.extend(pieces)
    return joined


def _encoded(pieces: Sequence[Piece]) -> bytes:
    return array("q", [number for piece in pieces for number in piece]).tobytes()


def _decoded(data: bytes) -> list[Piece]:
    numbers = array("q")
    numbers.frombytes(data)
    return list(zip(numbers[0::3], numbers[1::3], numbers[2::3], strict=True))


def _blocks(pieces: Iterable[Piece]) -> list[BusyBlock]:
    checked = TimeRange.already_checked
    return [BusyBlock(checked(_moment(start), _moment(end)), _STATUSES[rank]) for start, end, rank in pieces]


def _moment(micros: int) -> datetime:
    """The instant `micros` after the epoch: from whole seconds (as busy time nearly always is) at half the cost."""
    seconds, rest = divmod(micros, 1_000_000)
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.replace(microsecond=rest) if rest else moment


@lru_cache(maxsize=8192)
def _colleague(user_id: UUID, email: str, timezone: str, hours_zone: str | None, days: str | None) -> Colleague:
    """A person from their row (the values of `_COLLEAGUES`), remembered by all of it.

    Colleague and its WorkingHours are immutable, and the key is the whole row, so a remembered one
    is the one the row would build: a person who changes their email, zone or hours is another key.
    """
    if days is None or hours_zone is None:
        return Colleague(user_id, email, WorkingHours.default(timezone))
    return Colleague(user_id, email, _working_hours(hours_zone, days))


@lru_cache(maxsize=1024)
def _working_hours(timezone: str, days: str) -> WorkingHours:
    """A working week from its row (days as JSON text), remembered: colleagues share working weeks.

    WorkingHours is immutable, so one instance may answer for everyone who set the same week.
    """
    return WorkingHours(
        timezone,
        {
            day: tuple(WorkingSpan.parse(s, e, field=f"days.{day}") for s, e in spans)
            for day, spans in json.loads(days).items()
        },
    )
