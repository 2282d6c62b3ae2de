"""Notifications on PostgreSQL, numbered per user in commit order.

`add` takes the user's counter row lock (an upsert that changes nothing) before it inserts, and
keeps it until the transaction ends: a user's notifications are therefore committed one after
the other in `seq` order, so a stream that replays `seq > n` never misses one that committed
later with a smaller `seq`. The counter moves only when the insert happens; a dedupe key that
was stored before leaves both untouched.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import NotificationCounterRow, NotificationRow
from domain.identity import new_id
from domain.notifications.notification import Notification, NotificationDraft, NotificationType

_NOTIFICATIONS = select(NotificationRow.__table__)


class SqlNotificationRepository:
    """Implements domain.notifications.ports.NotificationRepository; every query is scoped to one user."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, draft: NotificationDraft) -> Notification | None:
        """Store the draft with the user's next `seq`; None if its dedupe key was stored before."""
        last_seq = await self._lock_counter(draft.user_id)
        now = datetime.now(UTC)
        inserted = (
            await self._session.execute(
                upsert(NotificationRow)
                .values(
                    id=new_id(now),
                    user_id=draft.user_id,
                    seq=last_seq + 1,
                    type=draft.type.value,
                    title=draft.title,
                    message=draft.message,
                    event_id=draft.event_id,
                    is_read=False,
                    created_at=now,
                    scheduled_for=draft.scheduled_for,
                    dedupe_key=draft.dedupe_key,
                )
                .on_conflict_do_nothing(index_elements=[NotificationRow.dedupe_key])
                .returning(*NotificationRow.__table__.columns)
            )
        ).one_or_none()
        if inserted is None:
            return None
        await self._session.execute(
            update(NotificationCounterRow)
            .where(NotificationCounterRow.user_id == draft.user_id)
            .values(last_seq=inserted.seq)
            .execution_options(synchronize_session=False)
        )
        return _notification(inserted)

    async def get(self, user_id: UUID, notification_id: UUID) -> Notification | None:
        """The user's notification, or None (also when it is someone else's)."""
        row = (
            await self._session.execute(
                _NOTIFICATIONS.where(NotificationRow.id == notification_id, NotificationRow.user_id == user_id)
            )
        ).one_or_none()
        return None if row is None else _notification(row)

    async def list_page(
        self, user_id: UUID, *, before_seq: int | None, unread_only: bool, limit: int
    ) -> list[Notification]:
        """Newest first, with `seq` below `before_seq` when given."""
        statement = _NOTIFICATIONS.where(NotificationRow.user_id == user_id)
        if before_seq is not None:
            statement = statement.where(NotificationRow.seq < before_seq)
        if unread_only:
            statement = statement.where(NotificationRow.is_read.is_(False))
        rows = await self._session.execute(statement.order_by(NotificationRow.seq.desc()).limit(limit))
        return [_notification(row) for row in rows]

    async def list_after(self, user_id: UUID, after_seq: int, limit: int) -> list[Notification]:
        """Oldest first, with `seq` above `after_seq`: what a reconnecting stream missed."""
        rows = await self._session.execute(
            _NOTIFICATIONS.where(NotificationRow.user_id == user_id, NotificationRow.seq > after_seq)
            .order_by(NotificationRow.seq)
            .limit(limit)
        )
        return [_notification(row) for row in rows]

    async def latest_seq(self, user_id: UUID) -> int:
        """The user's highest committed `seq`, 0 when they have none."""
        last_seq = (
            await self._session.execute(
                select(NotificationCounterRow.last_seq).where(NotificationCounterRow.user_id == user_id)
            )
        ).scalar_one_or_none()
        return last_seq or 0

    async def mark_read(self, user_id: UUID, notification_id: UUID) -> bool:
        """Mark one read; False when the user has no such notification."""
        result = await self._session.execute(
            update(NotificationRow)
            .where(NotificationRow.id == notification_id, NotificationRow.user_id == user_id)
            .values(is_read=True)
            .returning(NotificationRow.id)
            .execution_options(synchronize_session=False)
        )
        return result.one_or_none() is not None

    async def mark_all_read(self, user_id: UUID) -> int:
        """Mark every unread one read; answers how many changed."""
        result = await self._session.execute(
            update(NotificationRow)
            .where(NotificationRow.user_id == user_id, NotificationRow.is_read.is_(False))
            .values(is_read=True)
            .returning(NotificationRow.id)
            .execution_options(synchronize_session=False)
        )
        return len(result.all())

    async def unread_count(self, user_id: UUID) -> int:
        """How many the user has not read."""
        counted = await self._session.execute(
            select(func.count())
            .select_from(NotificationRow)
            .where(NotificationRow.user_id == user_id, NotificationRow.is_read.is_(False))
        )
        return counted.scalar_one()

    async def _lock_counter(self, user_id: UUID) -> int:
        # Creates the counter on a user's first notification; either way the row stays locked until
        # the transaction ends, and the value read is the latest committed one.
        counter = await self._session.execute(
            upsert(NotificationCounterRow)
            .values(user_id=user_id, last_seq=0)
            .on_conflict_do_update(
                index_elements=[NotificationCounterRow.user_id],
                set_={"last_seq": NotificationCounterRow.last_seq},
            )
            .returning(NotificationCounterRow.last_seq)
        )
        return counter.scalar_one()


def _notification(row: Row[Any]) -> Notification:
    return Notification(
        id=row.id,
        user_id=row.user_id,
        seq=row.seq,
        type=NotificationType(row.type),
        title=row.title,
        message=row.message,
        event_id=row.event_id,
        is_read=row.is_read,
        created_at=row.created_at,
        dedupe_key=row.dedupe_key,
    )
