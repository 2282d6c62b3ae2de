"""Reminders on PostgreSQL; due ones are claimed with FOR UPDATE SKIP LOCKED, so each is sent by one worker."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, case, exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import EventOccurrenceRow, EventRow, ReminderRow
from domain.notifications.reminders import Reminder

_REMINDERS = select(
    ReminderRow.event_id,
    ReminderRow.recurrence_id,
    ReminderRow.user_id,
    ReminderRow.minutes,
    ReminderRow.due_at,
    ReminderRow.sent_at,
)
# Keys as four arrays, however many (a series' window may hold thousands); a single event's reminders
# have no recurrence id, hence IS NOT DISTINCT FROM (NULL = NULL is not true).
_DELETE = text(
    """
    DELETE FROM reminders r
    USING unnest(CAST(:events AS uuid[]), CAST(:occurrences AS timestamptz[]), CAST(:users AS uuid[]),
                 CAST(:minutes AS integer[])) AS k(event_id, recurrence_id, user_id, minutes)
    WHERE r.event_id = k.event_id AND r.recurrence_id IS NOT DISTINCT FROM k.recurrence_id
      AND r.user_id = k.user_id AND r.minutes = k.minutes
    """
)

# Rows as six arrays (a burst's batch holds hundreds); ON CONFLICT names the unique key, whose NULL
# recurrence ids (single events) are not distinct.
_SAVE = text(
    """
    INSERT INTO reminders (event_id, recurrence_id, user_id, minutes, due_at, sent_at)
    SELECT * FROM unnest(CAST(:events AS uuid[]), CAST(:occurrences AS timestamptz[]), CAST(:users AS uuid[]),
                         CAST(:minutes AS integer[]), CAST(:due AS timestamptz[]), CAST(:sent AS timestamptz[]))
    ON CONFLICT (event_id, recurrence_id, user_id, minutes)
    DO UPDATE SET due_at = excluded.due_at, sent_at = excluded.sent_at
    """
)


class SqlReminderRepository:
    """Implements domain.notifications.ports.ReminderRepository."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_event(self, event_id: UUID) -> list[Reminder]:
        """The event's reminders, sent or not."""
        rows = await self._session.execute(
            _REMINDERS.where(ReminderRow.event_id == event_id).order_by(
                ReminderRow.due_at, ReminderRow.recurrence_id, ReminderRow.user_id, ReminderRow.minutes
            )
        )
        return [_reminder(row) for row in rows]

    async def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        """Up to `limit` unsent reminders due by `now`, earliest first, locked until the transaction ends.

        SKIP LOCKED passes over the ones another worker has claimed, so no reminder is claimed twice.
        Among those due at the same time, an event's come together (the index's order), so a batch
        reads few events.
        """
        rows = await self._session.execute(
            _REMINDERS.where(ReminderRow.sent_at.is_(None), ReminderRow.due_at <= now)
            .order_by(ReminderRow.due_at, ReminderRow.event_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_reminder(row) for row in rows]

    async def save_all(self, reminders: Sequence[Reminder]) -> None:
        """Store new reminders and the new due time or sent mark of existing ones: one statement however many."""
        if not reminders:
            return
        await self._session.execute(
            _SAVE,
            {
                "events": [reminder.event_id for reminder in reminders],
                "occurrences": [reminder.recurrence_id for reminder in reminders],
                "users": [reminder.user_id for reminder in reminders],
                "minutes": [reminder.minutes for reminder in reminders],
                "due": [reminder.due_at for reminder in reminders],
                "sent": [reminder.sent_at for reminder in reminders],
            },
        )

    async def remove_all(self, reminders: Sequence[Reminder]) -> None:
        """Delete these reminders."""
        if not reminders:
            return
        await self._session.execute(
            _DELETE,
            {
                "events": [reminder.event_id for reminder in reminders],
                "occurrences": [reminder.recurrence_id for reminder in reminders],
                "users": [reminder.user_id for reminder in reminders],
                "minutes": [reminder.minutes for reminder in reminders],
            },
        )

    async def series_needing_reminders(self, as_of: datetime, lookahead: timedelta) -> list[UUID]:
        """The confirmed series with an occurrence within reminder reach that has no reminder yet.

        Reach, as domain/notifications/reminders.py plans it: from `as_of` to the series' longest
        offset plus `lookahead` (a day more for an all-day series).
        """
        offsets = func.unnest(EventRow.reminders).table_valued("minutes").render_derived()
        longest = select(func.max(offsets.c.minutes)).select_from(offsets).scalar_subquery()
        reach = as_of + lookahead + func.make_interval(0, 0, 0, case((EventRow.all_day, 1), else_=0), 0, longest)
        unreminded = ~exists().where(
            ReminderRow.event_id == EventOccurrenceRow.event_id,
            ReminderRow.recurrence_id == EventOccurrenceRow.recurrence_id,
        )
        rows = await self._session.execute(
            select(EventRow.id)
            .where(
                # A single event's recurrence may be SQL NULL or JSON null: a series' is an object.
                func.jsonb_typeof(EventRow.recurrence) == "object",
                EventRow.status == "confirmed",
                func.cardinality(EventRow.reminders) > 0,
                exists().where(
                    EventOccurrenceRow.event_id == EventRow.id,
                    EventOccurrenceRow.ends_at > as_of,
                    EventOccurrenceRow.starts_at < reach,
                    unreminded,
                ),
            )
            .order_by(EventRow.id)
        )
        return list(rows.scalars())


def _reminder(row: Row[Any, Any, Any, Any, Any, Any]) -> Reminder:
    return Reminder(
        event_id=row.event_id,
        recurrence_id=row.recurrence_id,
        user_id=row.user_id,
        minutes=row.minutes,
        due_at=row.due_at,
        sent_at=row.sent_at,
    )
