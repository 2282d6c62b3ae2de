"""Reminders on PostgreSQL; due ones are claimed with FOR UPDATE SKIP LOCKED, so each is sent by one worker."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import ReminderRow
from domain.notifications.reminders import Reminder

_REMINDERS = select(ReminderRow.__table__)


class SqlReminderRepository:
    """Implements domain.notifications.ports.ReminderRepository."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_event(self, event_id: UUID) -> list[Reminder]:
        """The event's reminders, sent or not."""
        rows = await self._session.execute(
            _REMINDERS.where(ReminderRow.event_id == event_id).order_by(
                ReminderRow.due_at, ReminderRow.user_id, ReminderRow.minutes
            )
        )
        return [_reminder(row) for row in rows]

    async def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        """Up to `limit` unsent reminders due by `now`, earliest first, locked until the transaction ends.

        SKIP LOCKED passes over the ones another worker has claimed, so no reminder is claimed twice.
        """
        rows = await self._session.execute(
            _REMINDERS.where(ReminderRow.sent_at.is_(None), ReminderRow.due_at <= now)
            .order_by(ReminderRow.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_reminder(row) for row in rows]

    async def save_all(self, reminders: Sequence[Reminder]) -> None:
        """Store new reminders and the new due time or sent mark of existing ones."""
        if not reminders:
            return
        statement = upsert(ReminderRow)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[ReminderRow.event_id, ReminderRow.user_id, ReminderRow.minutes],
                set_={"due_at": statement.excluded.due_at, "sent_at": statement.excluded.sent_at},
            ),
            [_fields(reminder) for reminder in reminders],
        )

    async def remove_all(self, reminders: Sequence[Reminder]) -> None:
        """Delete these reminders."""
        if not reminders:
            return
        keys = [reminder.key for reminder in reminders]
        await self._session.execute(
            delete(ReminderRow)
            .where(tuple_(ReminderRow.event_id, ReminderRow.user_id, ReminderRow.minutes).in_(keys))
            .execution_options(synchronize_session=False)
        )


def _fields(reminder: Reminder) -> dict[str, Any]:
    return {
        "event_id": reminder.event_id,
        "user_id": reminder.user_id,
        "minutes": reminder.minutes,
        "due_at": reminder.due_at,
        "sent_at": reminder.sent_at,
    }


def _reminder(row: Row[Any]) -> Reminder:
    return Reminder(
        event_id=row.event_id,
        user_id=row.user_id,
        minutes=row.minutes,
        due_at=row.due_at,
        sent_at=row.sent_at,
    )
