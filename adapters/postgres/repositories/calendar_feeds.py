"""Calendars' subscription feeds on PostgreSQL."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import CalendarFeedRow
from domain.scheduling.calendar_feed import CalendarFeed


class SqlCalendarFeedRepository:
    """Implements domain.scheduling.calendar_feed.CalendarFeedRepository."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_token_digest(self, token_digest: str) -> CalendarFeed | None:
        row = (
            await self._session.execute(
                select(CalendarFeedRow.__table__).where(CalendarFeedRow.token_digest == token_digest)
            )
        ).one_or_none()
        if row is None:
            return None
        return CalendarFeed(
            calendar_id=row.calendar_id,
            token_digest=row.token_digest,
            created_by=row.created_by,
            created_at=row.created_at,
        )

    async def put(self, feed: CalendarFeed) -> None:
        values = {
            "calendar_id": feed.calendar_id,
            "token_digest": feed.token_digest,
            "created_by": feed.created_by,
            "created_at": feed.created_at,
        }
        statement = insert(CalendarFeedRow).values(**values)
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=[CalendarFeedRow.calendar_id], set_=values)
        )

    async def remove(self, calendar_id: UUID) -> bool:
        result = await self._session.execute(
            delete(CalendarFeedRow)
            .where(CalendarFeedRow.calendar_id == calendar_id)
            .returning(CalendarFeedRow.calendar_id)
        )
        return result.first() is not None
