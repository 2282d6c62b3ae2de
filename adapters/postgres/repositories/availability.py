"""Working hours, out-of-office ranges and busy time on PostgreSQL.

Busy time is read from `event_occurrences` (every stored occurrence of every series, single events
once), so a series begun long before the window, an occurrence moved on its own and an all-day
date all count, without expanding a rule on the request path.
"""

from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, text
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import OutOfOfficeRow, WorkingHoursRow
from domain.availability.busy import BusyBlock, BusyStatus, attendance
from domain.availability.out_of_office import OutOfOffice
from domain.availability.working_hours import WorkingHours, WorkingSpan, clock_text
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.time_range import TimeRange

# One statement: a person's own calendars (personal and mirrored from Google) and their invitations,
# each branch on its own index (the calendar span GiST index, the participants' user index and the
# occurrences' event span index). An answer given to one occurrence of a series overrides the
# series' answer, as the week view shows it.
_BUSY = text(
    """
    WITH own AS (
        SELECT c.owner_id AS user_id, c.id AS calendar_id
        FROM calendars c WHERE c.owner_id = ANY(CAST(:ids AS uuid[])) AND c.is_personal
        UNION
        SELECT g.user_id, g.calendar_id FROM google_calendars g WHERE g.user_id = ANY(CAST(:ids AS uuid[]))
    )
    SELECT own.user_id, o.starts_at, o.ends_at, o.start_date, o.end_date, 'accepted' AS answer
    FROM own
    JOIN event_occurrences o ON o.calendar_id = own.calendar_id
     AND tstzrange(o.starts_at, o.ends_at, '[)')
         && tstzrange(CAST(:widened_start AS timestamptz), CAST(:widened_end AS timestamptz), '[)')
    JOIN events e ON e.id = o.event_id AND e.transparency = 'busy'
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
           ) AS answer
    FROM event_participants p
    JOIN events e ON e.id = p.event_id AND e.transparency = 'busy'
    JOIN event_occurrences o ON o.event_id = p.event_id
     AND tstzrange(o.starts_at, o.ends_at, '[)')
         && tstzrange(CAST(:widened_start AS timestamptz), CAST(:widened_end AS timestamptz), '[)')
    WHERE p.user_id = ANY(CAST(:ids AS uuid[])) AND (p.status <> 'declined' OR e.overrides <> '[]'::jsonb)
    """
)
_ABSENT = text(
    """
    SELECT user_id, starts_at, ends_at FROM out_of_office
    WHERE user_id = ANY(CAST(:ids AS uuid[])) AND starts_at < :window_end AND ends_at > :window_start
    """
)
_BOOKED = text(
    """
    SELECT room_id, starts_at, ends_at FROM event_occurrences
    WHERE room_id = ANY(CAST(:rooms AS uuid[]))
      AND tstzrange(starts_at, ends_at, '[)')
          && tstzrange(CAST(:window_start AS timestamptz), CAST(:window_end AS timestamptz), '[)')
    ORDER BY starts_at
    """
)
_WIDENING = timedelta(days=1)
_ATTENDANCE = {answer.value: attendance(answer) for answer in ParticipantStatus}
"""A day: an all-day occurrence is stored in its event's zone, and no zone is a day from another."""


class SqlAvailabilityRepository:
    """Implements domain.availability.ports.AvailabilityRepository."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def working_hours_of(self, user_ids: Collection[UUID]) -> dict[UUID, WorkingHours]:
        """The working hours set by these people; those who never set theirs are missing."""
        if not user_ids:
            return {}
        rows = await self._session.execute(
            select(WorkingHoursRow.user_id, WorkingHoursRow.timezone, WorkingHoursRow.days).where(
                WorkingHoursRow.user_id.in_(list(user_ids))
            )
        )
        return {row.user_id: _working_hours(row.timezone, row.days) for row in rows}

    async def set_working_hours(self, user_id: UUID, hours: WorkingHours, *, now: datetime) -> None:
        """Keep the person's working hours, replacing what they had."""
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
        result = await self._session.execute(
            delete(OutOfOfficeRow)
            .where(OutOfOfficeRow.id == absence_id, OutOfOfficeRow.user_id == user_id)
            .returning(OutOfOfficeRow.id)
        )
        return result.first() is not None

    async def busy_of(self, zones: Mapping[UUID, str], window: TimeRange) -> dict[UUID, list[BusyBlock]]:
        """Each person's busy blocks overlapping `window`, unmerged (see the port)."""
        busy: dict[UUID, list[BusyBlock]] = defaultdict(list)
        if not zones:
            return busy
        ids = list(zones)
        values: dict[str, Any] = {
            "ids": ids,
            "widened_start": window.starts_at - _WIDENING,
            "widened_end": window.ends_at + _WIDENING,
        }
        start, end = window.starts_at, window.ends_at
        for row in await self._session.execute(_BUSY, values):
            status = _ATTENDANCE[row.answer]
            if status is None:
                continue
            if row.start_date is None:
                span = TimeRange.already_checked(row.starts_at, row.ends_at)
            else:
                span = _dates_in(row.start_date, row.end_date, ZoneInfo(zones[row.user_id]))
            if span.starts_at < end and start < span.ends_at:
                busy[row.user_id].append(BusyBlock(span, status))
        absent = {"ids": ids, "window_start": window.starts_at, "window_end": window.ends_at}
        for row in await self._session.execute(_ABSENT, absent):
            busy[row.user_id].append(
                BusyBlock(TimeRange.already_checked(row.starts_at, row.ends_at), BusyStatus.OUT_OF_OFFICE)
            )
        return busy

    async def room_bookings(self, room_ids: Collection[UUID], window: TimeRange) -> dict[UUID, list[TimeRange]]:
        """Each room's booked slots overlapping `window` (every room asked is a key)."""
        booked: dict[UUID, list[TimeRange]] = {room_id: [] for room_id in room_ids}
        if not booked:
            return booked
        values = {"rooms": list(booked), "window_start": window.starts_at, "window_end": window.ends_at}
        for row in await self._session.execute(_BOOKED, values):
            booked[row.room_id].append(TimeRange.already_checked(row.starts_at, row.ends_at))
        return booked


def _working_hours(timezone: str, days: dict[str, Any]) -> WorkingHours:
    return WorkingHours(
        timezone,
        {day: tuple(WorkingSpan.parse(s, e, field=f"days.{day}") for s, e in spans) for day, spans in days.items()},
    )


def _dates_in(first: date, end: date, zone: ZoneInfo) -> TimeRange:
    """An all-day occurrence's dates [first, end) on a person's wall clock."""
    return TimeRange(datetime.combine(first, time(0), tzinfo=zone), datetime.combine(end, time(0), tzinfo=zone))
