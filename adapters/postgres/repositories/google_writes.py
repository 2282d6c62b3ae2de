"""What planner wrote of people's own events to Google (write-back), on PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import CalendarRow, EventRow, GoogleAccountRow, GoogleWrittenEventRow
from adapters.postgres.repositories.arrays import is_any_text
from domain.google_sync.write_back import WriteState, WrittenEvent


class SqlGoogleWrites:
    """The write-back half of SqlGoogleRepository (domain.google_sync.ports.GoogleRepository)."""

    _session: AsyncSession

    async def written_event(self, event_id: UUID) -> WrittenEvent | None:
        row = (
            await self._session.execute(
                select(GoogleWrittenEventRow.__table__).where(GoogleWrittenEventRow.event_id == event_id)
            )
        ).one_or_none()
        return None if row is None else _written(row)

    async def written_events(
        self, user_id: UUID, google_calendar_id: str, google_event_ids: Collection[str]
    ) -> dict[str, WrittenEvent]:
        if not google_event_ids:
            return {}
        rows = await self._session.execute(
            # Not by calendar: a copy written to "primary" comes back listed under the calendar's own id.
            select(GoogleWrittenEventRow.__table__).where(
                GoogleWrittenEventRow.user_id == user_id,
                is_any_text(cast(Any, GoogleWrittenEventRow.google_event_id), list(google_event_ids)),
            )
        )
        return {row.google_event_id: _written(row) for row in rows}

    async def save_written_event(self, written: WrittenEvent) -> None:
        values = {
            "event_id": written.event_id,
            "user_id": written.user_id,
            "google_calendar_id": written.google_calendar_id,
            "google_event_id": written.google_event_id,
            "written_version": written.written_version,
            "google_updated": written.google_updated,
            "state": written.state.value,
            "last_error": written.last_error,
            "attempts": written.attempts,
            "updated_at": written.updated_at,
        }
        await self._session.execute(_SAVE_WRITTEN_EVENT, values)

    async def writes_back(self, event_id: UUID) -> UUID | None:
        """The organizer, when changes of the event go to Google: it was written, or they write theirs back."""
        written = select(GoogleWrittenEventRow.user_id).where(GoogleWrittenEventRow.event_id == event_id)
        organizer_writes = (
            select(EventRow.organizer_id)
            .join(CalendarRow, CalendarRow.id == EventRow.calendar_id)
            .join(GoogleAccountRow, GoogleAccountRow.user_id == EventRow.organizer_id)
            .where(
                EventRow.id == event_id,
                CalendarRow.read_only.is_(False),
                GoogleAccountRow.write_back_calendar_id.is_not(None),
            )
        )
        found = await self._session.execute(written.union_all(organizer_writes).limit(1))
        return found.scalar_one_or_none()

    async def own_events_to_write(self, user_id: UUID, ending_after: datetime, limit: int) -> list[UUID]:
        """The person's own live events in planner calendars, not over by `ending_after`, never written yet."""
        rows = await self._session.execute(
            select(EventRow.id)
            .join(CalendarRow, CalendarRow.id == EventRow.calendar_id)
            .outerjoin(GoogleWrittenEventRow, GoogleWrittenEventRow.event_id == EventRow.id)
            .where(
                EventRow.organizer_id == user_id,
                EventRow.status == "confirmed",
                CalendarRow.read_only.is_(False),
                or_(EventRow.ends_at > ending_after, EventRow.recurrence.is_not(None)),
                GoogleWrittenEventRow.event_id.is_(None),
            )
            .order_by(EventRow.starts_at)
            .limit(limit)
        )
        return list(rows.scalars())

    async def writes_waiting(self, now: datetime, first_wait: timedelta, limit: int) -> list[UUID]:
        """Events whose write to Google is pending or was refused and due again: each attempt doubles the wait.

        A write is due `first_wait` after its last try, then twice that after the next, up to 2**7 times.
        """
        attempts = func.least(func.greatest(GoogleWrittenEventRow.attempts - 1, 0), 7)
        wait = func.make_interval(0, 0, 0, 0, 0, 0, first_wait.total_seconds() * func.power(2, attempts))
        rows = await self._session.execute(
            select(GoogleWrittenEventRow.event_id)
            .where(
                GoogleWrittenEventRow.state.in_(("pending", "refused")),
                GoogleWrittenEventRow.updated_at + wait < now,
            )
            .order_by(GoogleWrittenEventRow.updated_at)
            .limit(limit)
        )
        return list(rows.scalars())

    async def writes_not_done(self, user_id: UUID) -> dict[WriteState, int]:
        rows = await self._session.execute(
            select(GoogleWrittenEventRow.state, func.count())
            .where(GoogleWrittenEventRow.user_id == user_id, GoogleWrittenEventRow.state.in_(("pending", "refused")))
            .group_by(GoogleWrittenEventRow.state)
        )
        return {WriteState(state): count for state, count in rows}


_WRITTEN_TABLE = cast(Table, GoogleWrittenEventRow.__table__)
_UPSERT_WRITTEN = upsert(_WRITTEN_TABLE).values(
    {column.name: bindparam(column.name, type_=column.type) for column in _WRITTEN_TABLE.c}
)
# Built once and executed with each record's values: an ORM insert built per call cost more CPU than its round trip.
_SAVE_WRITTEN_EVENT = _UPSERT_WRITTEN.on_conflict_do_update(
    index_elements=["event_id"],
    set_={
        column.name: _UPSERT_WRITTEN.excluded[column.name] for column in _WRITTEN_TABLE.c if column.name != "event_id"
    },
)


def _written(row: Any) -> WrittenEvent:
    return WrittenEvent(
        event_id=row.event_id,
        user_id=row.user_id,
        google_calendar_id=row.google_calendar_id,
        google_event_id=row.google_event_id,
        written_version=row.written_version,
        google_updated=row.google_updated,
        state=WriteState(row.state),
        last_error=row.last_error,
        attempts=row.attempts,
        updated_at=row.updated_at,
    )
