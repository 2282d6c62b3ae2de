"""Events, their participants and reminders on PostgreSQL; the database refuses double bookings."""

import asyncio
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    DateTime,
    Insert,
    Row,
    Select,
    Table,
    Update,
    Uuid,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    true,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.driver import DriverStatement
from adapters.postgres.models import (
    CalendarMemberRow,
    EventOccurrenceRow,
    EventParticipantRow,
    EventRow,
    UserRow,
)
from adapters.postgres.repositories.arrays import ids_parameter, is_any_id, texts_parameter
from adapters.postgres.repositories.overlap_predicates import occurrence_overlaps
from adapters.postgres.repositories.refused_writes import deleted_room, room_double_booking
from adapters.postgres.repositories.series_codec import (
    occurrence_rows,
    occurrence_rows_before,
    overrides_from_json,
    overrides_to_json,
    recurrence_from_json,
    recurrence_to_json,
)
from application.cache import ROOMS
from application.unit_of_work import SeenAggregates
from domain.errors import DomainError, InvalidInput, RoomAlreadyBooked
from domain.scheduling.event import Event, EventStatus
from domain.scheduling.occurrence import OCCURRENCE_HORIZON, Occurrence
from domain.scheduling.participant import Participant, ParticipantStatus
from domain.scheduling.room import RoomBooking
from domain.scheduling.time_range import TimeRange
from domain.scheduling.transparency import Transparency

_EVENTS = select(EventRow.__table__)
_PARTICIPANTS = (
    select(
        EventParticipantRow.event_id,
        EventParticipantRow.user_id,
        EventParticipantRow.status,
        UserRow.email,
        UserRow.name,
    )
    .join(UserRow, UserRow.id == EventParticipantRow.user_id)
    .order_by(EventParticipantRow.event_id, EventParticipantRow.position)
)


@dataclass(frozen=True)
class _Booking:
    """The occurrences an event's write books rooms for."""

    event_id: UUID
    slots: tuple[tuple[UUID, TimeRange], ...]

    @property
    def first(self) -> tuple[UUID, TimeRange]:
        return self.slots[0]


class SqlEventRepository:
    """Events with their participants (email and name from `users`) and reminders (an array of minutes).

    When the exclusion constraint refuses a write that books a room (refused_writes.room_double_booking),
    the database's error goes up to the unit of work, which rolls the transaction back and asks
    `explain_refusal` for the domain's refusal: RoomAlreadyBooked, naming the booking in the way as committed.
    """

    def __init__(
        self,
        session: AsyncSession,
        seen: SeenAggregates,
        *,
        horizon: timedelta = OCCURRENCE_HORIZON,
        touched_people: set[UUID] | None = None,
    ) -> None:
        self._session, self._seen, self._horizon = session, seen, horizon
        self._touched = touched_people if touched_people is not None else set()
        """Whose cached reads a write here made stale beyond its domain events: ROOMS, when rooms' bookings changed."""
        self._bookings: list[_Booking] = []
        self._refused: _Booking | None = None
        self._schedules: dict[UUID, tuple[Any, ...]] = {}

    async def get(self, event_id: UUID) -> Event | None:
        """Return the event, to read."""
        found = await self._load(_EVENTS.where(EventRow.id == event_id))
        return found[0] if found else None

    async def find(self, event_ids: Collection[UUID]) -> list[Event]:
        """Return the events of these ids that exist, to read, each once: two queries however many."""
        if not event_ids:
            return []
        return await self._load(_EVENTS.where(is_any_id(EventRow.id, event_ids)))

    async def version(self, event_id: UUID) -> int | None:
        """Return the event's version, or None: one query, without participants."""
        found = await self._session.execute(select(EventRow.version).where(EventRow.id == event_id))
        return found.scalar_one_or_none()

    async def get_for_update(self, event_id: UUID) -> Event | None:
        """Return the event, its row locked until the transaction ends, so concurrent writers queue up."""
        found = await self._load(_EVENTS.where(EventRow.id == event_id).with_for_update())
        return found[0] if found else None

    async def in_calendar(self, calendar_id: UUID, *, limit: int) -> list[Event]:
        """Return the calendar's events that are not cancelled (a series once), the latest `limit` by start."""
        return await self._load(
            _EVENTS.where(EventRow.calendar_id == calendar_id, EventRow.status == EventStatus.CONFIRMED.value)
            .order_by(EventRow.starts_at.desc(), EventRow.id)
            .limit(limit)
        )

    async def add(self, event: Event) -> None:
        """Store a new event with its participants and reminders; RoomAlreadyBooked if its room is taken."""
        # Core statements on the tables: the ORM's bulk-insert machinery costs more than the insert itself.
        # With participants, one statement writes the event and them (a round trip less per creation).
        occurrences = occurrence_rows(event, horizon=self._horizon)
        self._note_rooms(occurrences)
        fields = {"id": event.id, **_driver_fields(event), **_occurrence_arrays(occurrences)}
        if event.participants:
            invited = {
                "participant_ids": [participant.user_id for participant in event.participants],
                "participant_statuses": [participant.status.value for participant in event.participants],
            }
            await self._write(_CREATE_EVENT_WITH_PARTICIPANTS, event, occurrences, {**fields, **invited})
        else:
            await self._write(_CREATE_EVENT, event, occurrences, fields)
        self._schedules[event.id] = _schedule(event)
        self._seen.remember(event)

    async def save(self, event: Event) -> None:
        """Store the changes made to an event: fields, status, version, participants, reminders."""
        await self._session.execute(
            update(EventRow)
            .where(EventRow.id == event.id)
            .values(**_fields(event))
            .execution_options(synchronize_session=False)
        )
        if self._schedules.get(event.id) != _schedule(event):
            await self._rewrite_occurrences(event)
        await self._session.execute(
            delete(EventParticipantRow)
            .where(
                EventParticipantRow.event_id == event.id, ~is_any_id(EventParticipantRow.user_id, event.participant_ids)
            )
            .execution_options(synchronize_session=False)
        )
        if event.participants:
            participants = upsert(EventParticipantRow)
            changed = (EventParticipantRow.status != participants.excluded.status) | (
                EventParticipantRow.position != participants.excluded.position
            )
            await self._session.execute(
                participants.on_conflict_do_update(
                    index_elements=[EventParticipantRow.event_id, EventParticipantRow.user_id],
                    set_={"status": participants.excluded.status, "position": participants.excluded.position},
                    # An answer changes one row: leave the others alone instead of rewriting them all.
                    where=changed,
                ),
                _participant_rows(event),
            )
        self._seen.remember(event)

    async def list_visible_in_window(
        self,
        user_id: UUID,
        window: TimeRange,
        calendar_id: UUID | None = None,
        *,
        limit: int | None = None,
        viewer_zone: str = "UTC",
    ) -> list[Occurrence]:
        """The occurrences overlapping `window` that the user sees, sorted by start (the first `limit`).

        An all-day occurrence is in the window when its dates overlap the window's dates read in
        `viewer_zone`. One query finds the occurrences (through the user's memberships and
        invitations, each branch on its own index), one more loads their events, one their participants.
        """
        visible = _visible_occurrences(user_id, window, calendar_id, viewer_zone).subquery()
        statement = (
            select(
                EventRow.__table__,
                visible.c.recurrence_id.label("occurrence_id"),
                visible.c.starts_at.label("occurrence_starts_at"),
                visible.c.ends_at.label("occurrence_ends_at"),
            )
            .join(visible, visible.c.event_id == EventRow.id)
            .order_by(visible.c.starts_at, EventRow.id, visible.c.recurrence_id)
        )
        rows = (await self._session.execute(statement if limit is None else statement.limit(limit))).all()
        events = {event.id: event for event in await self._events_of(rows)}
        return [
            _occurrence(events[row.id], row.occurrence_id, TimeRange(row.occurrence_starts_at, row.occurrence_ends_at))
            for row in rows
        ]

    async def count_visible_in_window(
        self, user_id: UUID, window: TimeRange, calendar_id: UUID | None = None, *, viewer_zone: str = "UTC"
    ) -> int:
        """How many occurrences `list_visible_in_window` would return without a limit."""
        visible = _visible_occurrences(user_id, window, calendar_id, viewer_zone).subquery()
        return int((await self._session.execute(select(func.count()).select_from(visible))).scalar_one())

    async def room_bookings(self, room_id: UUID, window: TimeRange) -> list[RoomBooking]:
        """Return the bookings of the room by occurrences overlapping `window`, sorted by start."""
        rows = await self._session.execute(
            select(EventOccurrenceRow.event_id, EventOccurrenceRow.starts_at, EventOccurrenceRow.ends_at)
            .where(EventOccurrenceRow.room_id == room_id, occurrence_overlaps(window))
            .order_by(EventOccurrenceRow.starts_at, EventOccurrenceRow.event_id)
        )
        return [
            RoomBooking(room_id=room_id, event_id=row.event_id, slot=TimeRange(row.starts_at, row.ends_at))
            for row in rows
        ]

    async def series_to_extend(self, now: datetime, until: datetime) -> list[UUID]:
        """The confirmed series whose stored occurrences stop short of `until`: endless, or running at `now`."""
        last = (
            select(EventOccurrenceRow.event_id, func.max(EventOccurrenceRow.recurrence_id).label("last"))
            .group_by(EventOccurrenceRow.event_id)
            .subquery()
        )
        rule = EventRow.recurrence["rule"].astext
        rows = await self._session.execute(
            select(EventRow.id)
            .join(last, last.c.event_id == EventRow.id)
            .where(
                func.jsonb_typeof(EventRow.recurrence) == "object",
                EventRow.status == EventStatus.CONFIRMED.value,
                last.c.last < until,
                or_(and_(~rule.contains("COUNT="), ~rule.contains("UNTIL=")), last.c.last >= now),
            )
            .order_by(EventRow.id)
        )
        return list(rows.scalars())

    async def extend_occurrences(self, event: Event, *, until: datetime) -> list[datetime]:
        """Store the series' occurrences starting before `until` not stored yet; answers those whose room was taken.

        Those are stored without their room. The exclusion constraint decides: the new rows are
        written under a savepoint, and if it refuses them, one by one, each refused one again without its room.
        """
        stored_until = (
            await self._session.execute(
                select(func.max(EventOccurrenceRow.recurrence_id)).where(EventOccurrenceRow.event_id == event.id)
            )
        ).scalar_one()
        rows = [
            row
            for row in occurrence_rows_before(event, until)
            if stored_until is None or row["recurrence_id"] > stored_until
        ]
        self._note_rooms(rows)
        if not rows or await self._occurrences_stored(rows):
            return []
        declined = []
        for row in rows:
            if not await self._occurrences_stored([row]):
                declined.append(row["recurrence_id"])
                await self._session.execute(insert(EventOccurrenceRow), [{**row, "room_id": None}])
        return declined

    async def _occurrences_stored(self, rows: list[dict[str, Any]]) -> bool:
        """Write occurrence rows under a savepoint; False (and nothing written) if one's room is taken."""
        try:
            async with self._session.begin_nested():
                await self._session.execute(insert(EventOccurrenceRow), rows)
        except DBAPIError as error:
            if room_double_booking(error, while_booking=True):
                return False
            raise
        return True

    async def explain_refusal(self, error: BaseException) -> DomainError | None:
        """The domain's refusal of a write of this transaction's, asked once it is rolled back; else None.

        A statement refused is about the booking it wrote. A commit refused (only a deferred
        constraint refuses then) is about the first booking written that has another in its way.
        """
        if self._refused is not None:
            if room_double_booking(error, while_booking=True):
                return await self._booking_in_the_way(self._refused)
            if deleted_room(error):
                # The room was deleted after the use case checked that it exists.
                return InvalidInput("room_id", "no such room")
            return None
        if not room_double_booking(error, while_booking=False) or not self._bookings:
            return None
        for booking in self._bookings:
            conflict = await self._booking_in_the_way(booking)
            if conflict.conflicting_event_id is not None:
                return conflict
        room_id, slot = self._bookings[0].first
        return RoomAlreadyBooked(room_id, slot.starts_at, slot.ends_at)

    async def _rewrite_occurrences(self, event: Event) -> None:
        """Replace the event's occurrence rows (its schedule, rooms or status changed)."""
        self._touched.add(ROOMS)  # the rows replaced may have held a room, whatever the new ones hold
        await self._session.execute(
            delete(EventOccurrenceRow)
            .where(EventOccurrenceRow.event_id == event.id)
            .execution_options(synchronize_session=False)
        )
        occurrences = occurrence_rows(event, horizon=self._horizon)
        if occurrences:
            await self._write(insert(EventOccurrenceRow), event, occurrences, occurrences)
        self._schedules[event.id] = _schedule(event)

    def _note_rooms(self, occurrences: Iterable[Mapping[str, Any]]) -> None:
        """Rooms' cached bookings are stale once these rows are written, if one of them holds a room."""
        if any(row["room_id"] is not None for row in occurrences):
            self._touched.add(ROOMS)

    async def _write(
        self,
        statement: Insert | Update | DriverStatement,
        event: Event,
        occurrences: list[dict[str, Any]],
        parameters: dict[str, Any] | list[dict[str, Any]] | None = None,
    ) -> None:
        slots = tuple(
            (row["room_id"], TimeRange(row["starts_at"], row["ends_at"]))
            for row in occurrences
            if row["room_id"] is not None
        )
        if not slots:
            await self._execute(statement, parameters)
            return
        booking = _Booking(event.id, slots)
        # No savepoint (two more round trips on every booking): a refused booking ends the use case.
        # The error goes up as it is; the unit of work rolls back and asks `explain_refusal` why.
        try:
            await self._execute(statement, parameters)
        except Exception:
            self._refused = booking
            raise
        self._bookings.append(booking)

    async def _execute(
        self, statement: Insert | Update | DriverStatement, parameters: dict[str, Any] | list[dict[str, Any]] | None
    ) -> None:
        if isinstance(statement, DriverStatement):
            assert not isinstance(parameters, list)
            await statement.fetch(self._session, parameters or {})
        else:
            await self._session.execute(statement, parameters)

    async def _booking_in_the_way(self, booking: _Booking) -> RoomAlreadyBooked:
        """The first booking in the way of the occurrences asked for, and how many more of them clash."""
        values = {
            "rooms": [room_id for room_id, _ in booking.slots],
            "starts": [slot.starts_at for _, slot in booking.slots],
            "ends": [slot.ends_at for _, slot in booking.slots],
            "event_id": booking.event_id,
        }
        row = None
        # A booking aborted by a deadlock may have lost to one that is still committing: give it a moment.
        for _ in range(IN_THE_WAY_LOOKS):
            row = (await self._session.execute(_IN_THE_WAY, values)).one_or_none()
            if row is not None:
                break
            await asyncio.sleep(IN_THE_WAY_PAUSE_S)
        room_id, slot = booking.first
        if row is None:
            # The booking in the way is gone already (cancelled or rolled back): name the slot asked for.
            return RoomAlreadyBooked(room_id, slot.starts_at, slot.ends_at)
        return RoomAlreadyBooked(
            row.room_id,
            row.starts_at,
            row.ends_at,
            conflicting_event_id=row.event_id,
            more_conflicts=max(0, int(row.clashing) - 1),
        )

    async def _load(self, statement: Select[Any]) -> list[Event]:
        return await self._events_of((await self._session.execute(statement)).all())

    async def _events_of(self, rows: Sequence[Row[Any]]) -> list[Event]:
        """The events of `rows` of `events` (each once, in order), with their participants."""
        if not rows:
            return []
        rows = list({row.id: row for row in rows}.values())
        participants: dict[UUID, list[Participant]] = {row.id: [] for row in rows}
        for participant in await self._session.execute(
            _PARTICIPANTS.where(is_any_id(EventParticipantRow.event_id, participants))
        ):
            participants[participant.event_id].append(
                Participant(
                    user_id=participant.user_id,
                    email=participant.email,
                    name=participant.name,
                    status=ParticipantStatus(participant.status),
                )
            )
        events = [event_from_row(row, participants[row.id]) for row in rows]
        for event in events:
            self._schedules[event.id] = _schedule(event)
        return events


IN_THE_WAY_LOOKS = 10
IN_THE_WAY_PAUSE_S = 0.02
_EVENT_TABLE = cast(Table, EventRow.__table__)
_PARTICIPANT_TABLE = cast(Table, EventParticipantRow.__table__)
_OCCURRENCE_TABLE = cast(Table, EventOccurrenceRow.__table__)
# Built once, executed with each event's values: the id and _fields, which name every column.
_INSERT_EVENT = insert(_EVENT_TABLE).values(
    {column.name: bindparam(column.name, type_=column.type) for column in _EVENT_TABLE.c}
)
_NEW_EVENT = _INSERT_EVENT.returning(_EVENT_TABLE.c.id).cte("new_event")
_OCCURRENCES = (
    func.unnest(
        bindparam("occurrence_ids", type_=cast(Any, ARRAY(DateTime(timezone=True)))),
        bindparam("occurrence_starts", type_=cast(Any, ARRAY(DateTime(timezone=True)))),
        bindparam("occurrence_ends", type_=cast(Any, ARRAY(DateTime(timezone=True)))),
        bindparam("occurrence_start_dates", type_=cast(Any, ARRAY(Date()))),
        bindparam("occurrence_end_dates", type_=cast(Any, ARRAY(Date()))),
        bindparam("occurrence_rooms", type_=cast(Any, ARRAY(Uuid()))),
    )
    .table_valued("recurrence_id", "starts_at", "ends_at", "start_date", "end_date", "room_id")
    .render_derived()
)
_INSERT_OCCURRENCES = insert(_OCCURRENCE_TABLE).from_select(
    ["event_id", "recurrence_id", "calendar_id", "starts_at", "ends_at", "start_date", "end_date", "room_id"],
    select(
        _NEW_EVENT.c.id,
        _OCCURRENCES.c.recurrence_id,
        bindparam("calendar_id", type_=Uuid()),
        _OCCURRENCES.c.starts_at,
        _OCCURRENCES.c.ends_at,
        _OCCURRENCES.c.start_date,
        _OCCURRENCES.c.end_date,
        _OCCURRENCES.c.room_id,
    )
    .select_from(_NEW_EVENT)
    .join(_OCCURRENCES, true()),
)
_INVITED = (
    func.unnest(ids_parameter("participant_ids"), texts_parameter("participant_statuses"))
    .table_valued("user_id", "status", with_ordinality="position")
    .render_derived()
)
_INSERT_EVENT_WITH_PARTICIPANTS = (
    insert(_PARTICIPANT_TABLE)
    .from_select(
        ["event_id", "user_id", "status", "position"],
        # WITH ORDINALITY counts from 1; positions count from 0, in invitation order.
        select(_NEW_EVENT.c.id, _INVITED.c.user_id, _INVITED.c.status, _INVITED.c.position - 1)
        .select_from(_NEW_EVENT)
        .join(_INVITED, true()),
    )
    .add_cte(_NEW_EVENT)
    .add_cte(_INSERT_OCCURRENCES.cte("new_occurrences"))
)
# Every event creation runs one of them: on the driver. One statement writes the event, its
# occurrences and its participants (a data-modifying WITH runs even when nothing reads it).
_CREATE_EVENT = DriverStatement(_INSERT_OCCURRENCES.add_cte(_NEW_EVENT))
_CREATE_EVENT_WITH_PARTICIPANTS = DriverStatement(_INSERT_EVENT_WITH_PARTICIPANTS)
# The first booking of the room in the way of the occurrences asked for, and how many of those clash.
_IN_THE_WAY = text(
    """
    WITH asked AS (
        SELECT * FROM unnest(CAST(:rooms AS uuid[]), CAST(:starts AS timestamptz[]), CAST(:ends AS timestamptz[]))
            AS a(room_id, starts_at, ends_at)
    ), clashes AS (
        SELECT a.starts_at AS asked_at, o.event_id, o.room_id, o.starts_at, o.ends_at
        FROM asked a JOIN event_occurrences o
          ON o.room_id = a.room_id AND o.event_id <> CAST(:event_id AS uuid)
         AND tstzrange(o.starts_at, o.ends_at, '[)') && tstzrange(a.starts_at, a.ends_at, '[)')
    )
    SELECT event_id, room_id, starts_at, ends_at, (SELECT count(DISTINCT asked_at) FROM clashes) AS clashing
    FROM clashes ORDER BY starts_at, event_id LIMIT 1
    """
)


def _fields(event: Event) -> dict[str, Any]:
    """Every column but the id."""
    return {
        "calendar_id": event.calendar_id,
        "organizer_id": event.organizer_id,
        "title": event.title,
        "description": event.description,
        "location": event.location,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "all_day": event.all_day,
        "timezone": event.timezone,
        "room_id": event.room_id,
        "status": event.status.value,
        "version": event.version,
        "reminders": list(event.reminders),
        "created_at": event.created_at,
        "updated_at": event.updated_at,
        "recurrence": recurrence_to_json(event.recurrence),
        "overrides": overrides_to_json(event.overrides),
        "transparency": event.transparency.value,
    }


def _driver_fields(event: Event) -> dict[str, Any]:
    """_fields for a statement run on the driver, which takes JSON columns as text."""
    fields = _fields(event)
    fields["recurrence"] = None if fields["recurrence"] is None else json.dumps(fields["recurrence"])
    fields["overrides"] = json.dumps(fields["overrides"])
    return fields


def _occurrence_arrays(occurrences: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "occurrence_ids": [row["recurrence_id"] for row in occurrences],
        "occurrence_starts": [row["starts_at"] for row in occurrences],
        "occurrence_ends": [row["ends_at"] for row in occurrences],
        "occurrence_start_dates": [row["start_date"] for row in occurrences],
        "occurrence_end_dates": [row["end_date"] for row in occurrences],
        "occurrence_rooms": [row["room_id"] for row in occurrences],
    }


def _schedule(event: Event) -> tuple[Any, ...]:
    """What the occurrence rows depend on: when they change, the rows are written again (to the horizon from now).

    Not the time of the last change: an answer or a new title does not move an endless series'
    horizon on, which would refuse them for a room taken past it. The daily horizon cron moves it.
    """
    return (
        event.calendar_id,
        event.status,
        event.time_range,
        event.all_day,
        event.timezone,
        event.room_id,
        event.recurrence,
        tuple((key, o.time_range, o.room_changed, o.room_id) for key, o in sorted(event.overrides.items())),
    )


def _participant_rows(event: Event) -> Sequence[dict[str, Any]]:
    return [
        {"event_id": event.id, "user_id": participant.user_id, "status": participant.status.value, "position": position}
        for position, participant in enumerate(event.participants)
    ]


def event_columns(event: Event) -> dict[str, Any]:
    """Every column of the event's row, the id included: for writing events in batches."""
    return {"id": event.id, **_fields(event)}


def event_from_row(row: Row[Any], participants: list[Participant]) -> Event:
    """The event stored in `row`, with its participants."""
    return Event(
        id=row.id,
        calendar_id=row.calendar_id,
        organizer_id=row.organizer_id,
        title=row.title,
        description=row.description,
        location=row.location,
        time_range=TimeRange(row.starts_at, row.ends_at),
        all_day=row.all_day,
        timezone=row.timezone,
        room_id=row.room_id,
        status=EventStatus(row.status),
        version=row.version,
        participants=participants,
        reminders=tuple(row.reminders),
        created_at=row.created_at,
        updated_at=row.updated_at,
        recurrence=recurrence_from_json(row.recurrence),
        overrides=overrides_from_json(row.overrides),
        transparency=Transparency(row.transparency),
    )


def _occurrence(event: Event, recurrence_id: datetime, span: TimeRange) -> Occurrence:
    if event.recurrence is None:
        return Occurrence(event, None, span)
    return Occurrence(event, recurrence_id, span, event.overrides.get(recurrence_id))


def _viewer_dates(window: TimeRange, viewer_zone: str) -> tuple[date, date]:
    """The dates [first, end) the window touches on the viewer's wall clock."""
    zone = ZoneInfo(viewer_zone)
    first = window.starts_at.astimezone(zone)
    last = window.ends_at.astimezone(zone)
    end = last.date() if last.time() == time(0) else last.date() + timedelta(days=1)
    return first.date(), end


def _in_window(window: TimeRange, viewer_zone: str) -> Any:
    """An occurrence in the window: by its instants, or by its dates (read by the viewer) when all-day.

    All-day occurrences are found on the span index over the window widened by a day each side (no
    zone is further than that from another), then kept when their dates overlap the viewer's dates.
    """
    first, end = _viewer_dates(window, viewer_zone)
    widened = TimeRange(window.starts_at - timedelta(days=1), window.ends_at + timedelta(days=1))
    # The widened overlap stands alone, so the GiST indexes take it as their index condition; the
    # exact test of each kind is a filter on the few rows it finds.
    return and_(
        occurrence_overlaps(widened),
        or_(
            and_(EventOccurrenceRow.start_date.is_(None), occurrence_overlaps(window)),
            and_(EventOccurrenceRow.start_date < end, EventOccurrenceRow.end_date > first),
        ),
    )


def _visible_occurrences(user_id: UUID, window: TimeRange, calendar_id: UUID | None, viewer_zone: str) -> Any:
    """The occurrences in `window` of events in the user's calendars or that they are invited to."""
    columns = (
        EventOccurrenceRow.event_id,
        EventOccurrenceRow.recurrence_id,
        EventOccurrenceRow.starts_at,
        EventOccurrenceRow.ends_at,
    )
    in_window = _in_window(window, viewer_zone)
    in_my_calendars = (
        select(*columns)
        .join(CalendarMemberRow, CalendarMemberRow.calendar_id == EventOccurrenceRow.calendar_id)
        .where(CalendarMemberRow.user_id == user_id, in_window)
    )
    invited_to = (
        select(*columns)
        .join(EventParticipantRow, EventParticipantRow.event_id == EventOccurrenceRow.event_id)
        .where(EventParticipantRow.user_id == user_id, in_window)
    )
    if calendar_id is not None:
        in_my_calendars = in_my_calendars.where(EventOccurrenceRow.calendar_id == calendar_id)
        invited_to = invited_to.where(EventOccurrenceRow.calendar_id == calendar_id)
    return union(in_my_calendars, invited_to)
