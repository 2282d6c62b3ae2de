"""Events, their participants and reminders on PostgreSQL; the database refuses double bookings."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Insert, Row, Select, Table, Update, bindparam, delete, func, insert, select, true, union, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.driver import DriverStatement
from adapters.postgres.models import (
    CalendarMemberRow,
    EventParticipantRow,
    EventRow,
    UserRow,
)
from adapters.postgres.repositories.arrays import ids_parameter, is_any_id, texts_parameter
from adapters.postgres.repositories.overlap_predicates import is_confirmed, slot_overlaps
from adapters.postgres.repositories.refused_writes import deleted_room, room_double_booking
from application.unit_of_work import SeenAggregates
from domain.errors import DomainError, InvalidInput, RoomAlreadyBooked
from domain.scheduling.event import Event, EventStatus
from domain.scheduling.participant import Participant, ParticipantStatus
from domain.scheduling.room import RoomBooking
from domain.scheduling.time_range import TimeRange

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
    event_id: UUID
    room_id: UUID
    slot: TimeRange


class SqlEventRepository:
    """Events with their participants (email and name from `users`) and reminders (an array of minutes).

    When the exclusion constraint refuses a write that books a room (refused_writes.room_double_booking),
    the database's error goes up to the unit of work, which rolls the transaction back and asks
    `explain_refusal` for the domain's refusal: RoomAlreadyBooked, naming the booking in the way as committed.
    """

    def __init__(self, session: AsyncSession, seen: SeenAggregates) -> None:
        self._session, self._seen = session, seen
        self._bookings: list[_Booking] = []
        self._refused: _Booking | None = None

    async def get(self, event_id: UUID) -> Event | None:
        """Return the event, to read."""
        found = await self._load(_EVENTS.where(EventRow.id == event_id))
        return found[0] if found else None

    async def get_for_update(self, event_id: UUID) -> Event | None:
        """Return the event, its row locked until the transaction ends, so concurrent writers queue up."""
        found = await self._load(_EVENTS.where(EventRow.id == event_id).with_for_update())
        return found[0] if found else None

    async def add(self, event: Event) -> None:
        """Store a new event with its participants and reminders; RoomAlreadyBooked if its room is taken."""
        # Core statements on the tables: the ORM's bulk-insert machinery costs more than the insert itself.
        # With participants, one statement writes the event and them (a round trip less per creation).
        fields = {"id": event.id, **_fields(event)}
        if event.participants:
            invited = {
                "participant_ids": [participant.user_id for participant in event.participants],
                "participant_statuses": [participant.status.value for participant in event.participants],
            }
            await self._write(_CREATE_EVENT_WITH_PARTICIPANTS, event, {**fields, **invited})
        else:
            await self._write(_CREATE_EVENT, event, fields)
        self._seen.remember(event)

    async def save(self, event: Event) -> None:
        """Store the changes made to an event: fields, status, version, participants, reminders."""
        await self._write(
            update(EventRow)
            .where(EventRow.id == event.id)
            .values(**_fields(event))
            .execution_options(synchronize_session=False),
            event,
        )
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
        self, user_id: UUID, window: TimeRange, calendar_id: UUID | None = None, *, limit: int | None = None
    ) -> list[Event]:
        """Return confirmed events overlapping `window` that the user sees, sorted by start (the first `limit`).

        One query finds the events (through the user's memberships and invitations, each branch on
        its own index), one more loads all their participants.
        """
        visible = _visible_ids(user_id, window, calendar_id).subquery()
        statement = _EVENTS.join(visible, visible.c.id == EventRow.id).order_by(EventRow.starts_at, EventRow.id)
        return await self._load(statement if limit is None else statement.limit(limit))

    async def count_visible_in_window(self, user_id: UUID, window: TimeRange, calendar_id: UUID | None = None) -> int:
        """How many events `list_visible_in_window` would return without a limit."""
        visible = _visible_ids(user_id, window, calendar_id).subquery()
        return int((await self._session.execute(select(func.count()).select_from(visible))).scalar_one())

    async def room_bookings(self, room_id: UUID, window: TimeRange) -> list[RoomBooking]:
        """Return the confirmed events' bookings of the room overlapping `window`, sorted by start."""
        rows = await self._session.execute(
            select(EventRow.id, EventRow.starts_at, EventRow.ends_at)
            .where(EventRow.room_id == room_id, is_confirmed(), slot_overlaps(window))
            .order_by(EventRow.starts_at, EventRow.id)
        )
        return [
            RoomBooking(room_id=room_id, event_id=row.id, slot=TimeRange(row.starts_at, row.ends_at)) for row in rows
        ]

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
        first = self._bookings[0]
        return RoomAlreadyBooked(first.room_id, first.slot.starts_at, first.slot.ends_at)

    async def _write(
        self, statement: Insert | Update | DriverStatement, event: Event, parameters: dict[str, Any] | None = None
    ) -> None:
        if event.room_id is None or event.is_cancelled:
            await self._execute(statement, parameters)
            return
        booking = _Booking(event.id, event.room_id, event.time_range)
        # No savepoint (two more round trips on every booking): a refused booking ends the use case.
        # The error goes up as it is; the unit of work rolls back and asks `explain_refusal` why.
        try:
            await self._execute(statement, parameters)
        except Exception:
            self._refused = booking
            raise
        self._bookings.append(booking)

    async def _execute(self, statement: Insert | Update | DriverStatement, parameters: dict[str, Any] | None) -> None:
        if isinstance(statement, DriverStatement):
            await statement.fetch(self._session, parameters or {})
        else:
            await self._session.execute(statement, parameters)

    async def _booking_in_the_way(self, booking: _Booking) -> RoomAlreadyBooked:
        in_the_way = (
            select(EventRow.id, EventRow.starts_at, EventRow.ends_at)
            .where(
                EventRow.room_id == booking.room_id,
                EventRow.id != booking.event_id,
                is_confirmed(),
                slot_overlaps(booking.slot),
            )
            .order_by(EventRow.starts_at, EventRow.id)
            .limit(1)
        )
        row = None
        # A booking aborted by a deadlock may have lost to one that is still committing: give it a moment.
        for _ in range(IN_THE_WAY_LOOKS):
            row = (await self._session.execute(in_the_way)).one_or_none()
            if row is not None:
                break
            await asyncio.sleep(IN_THE_WAY_PAUSE_S)
        if row is None:
            # The booking in the way is gone already (cancelled or rolled back): name the slot asked for.
            return RoomAlreadyBooked(booking.room_id, booking.slot.starts_at, booking.slot.ends_at)
        return RoomAlreadyBooked(booking.room_id, row.starts_at, row.ends_at, conflicting_event_id=row.id)

    async def _load(self, statement: Select[Any]) -> list[Event]:
        rows = (await self._session.execute(statement)).all()
        if not rows:
            return []
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
        return [event_from_row(row, participants[row.id]) for row in rows]


IN_THE_WAY_LOOKS = 10
IN_THE_WAY_PAUSE_S = 0.02
_EVENT_TABLE = cast(Table, EventRow.__table__)
_PARTICIPANT_TABLE = cast(Table, EventParticipantRow.__table__)
# Built once, executed with each event's values: the id and _fields, which name every column.
_INSERT_EVENT = insert(_EVENT_TABLE).values(
    {column.name: bindparam(column.name, type_=column.type) for column in _EVENT_TABLE.c}
)
_NEW_EVENT = _INSERT_EVENT.returning(_EVENT_TABLE.c.id).cte("new_event")
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
)
# Every event creation runs one of them: on the driver.
_CREATE_EVENT = DriverStatement(_INSERT_EVENT)
_CREATE_EVENT_WITH_PARTICIPANTS = DriverStatement(_INSERT_EVENT_WITH_PARTICIPANTS)


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
    }


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
    )


def _visible_ids(user_id: UUID, window: TimeRange, calendar_id: UUID | None) -> Any:
    """Ids of the confirmed events overlapping `window` in the user's calendars or that they are invited to."""
    in_my_calendars = (
        select(EventRow.id)
        .join(CalendarMemberRow, CalendarMemberRow.calendar_id == EventRow.calendar_id)
        .where(CalendarMemberRow.user_id == user_id, is_confirmed(), slot_overlaps(window))
    )
    invited_to = (
        select(EventRow.id)
        .join(EventParticipantRow, EventParticipantRow.event_id == EventRow.id)
        .where(EventParticipantRow.user_id == user_id, is_confirmed(), slot_overlaps(window))
    )
    if calendar_id is not None:
        in_my_calendars = in_my_calendars.where(EventRow.calendar_id == calendar_id)
        invited_to = invited_to.where(EventRow.calendar_id == calendar_id)
    return union(in_my_calendars, invited_to)
