"""Notifications on PostgreSQL, numbered per user in commit order.

`add` takes the user's counter row lock (an upsert that changes nothing) before it inserts, and
keeps it until the transaction ends: a user's notifications are therefore committed one after
the other in `seq` order, so a stream that replays `seq > n` never misses one that committed
later with a smaller `seq`. The counter moves only when the insert happens; a dedupe key that
was stored before leaves both untouched.

`add_all` does the same for hundreds of drafts in two statements (the counters locked in user-id
order, then the inserts, the counters' new values and the publication marks in one statement), so
a burst of reminders costs a few round trips per batch rather than three per notification. Every
call's notifications are also marked unpublished in the same statement (one `unpublished_notifications`
row holding their ids) until `mark_published`: a worker that dies between its commit and its Redis
publish leaves the mark, and `claim_unpublished` finds it for the sweeper.
"""

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import NotificationCounterRow, NotificationRow
from domain.identity import new_id
from domain.notifications.notification import Notification, NotificationDraft, NotificationType

_NOTIFICATIONS = select(NotificationRow.__table__)

# Locks (creating if need be) each reader's counter, in user-id order: two batches telling
# overlapping people queue up rather than wait on each other in a circle.
_LOCK_COUNTERS = text(
    """
    INSERT INTO notification_counters (user_id, last_seq)
    SELECT u, 0 FROM unnest(CAST(:users AS uuid[])) AS u ORDER BY u
    ON CONFLICT (user_id) DO UPDATE SET last_seq = notification_counters.last_seq
    """
)
# Run with the counters locked: drafts whose dedupe key is stored already (or repeated in the batch)
# are left out before numbering, so each reader's seqs stay contiguous; ON CONFLICT still guards the
# key against anyone else. The counters move to the last seq stored, and every notification stored
# is marked unpublished, all in this one statement.
_ADD_ALL = text(
    """
    WITH drafts AS (
        SELECT * FROM unnest(
            CAST(:ids AS uuid[]), CAST(:users AS uuid[]), CAST(:types AS text[]), CAST(:titles AS text[]),
            CAST(:messages AS text[]), CAST(:event_ids AS uuid[]), CAST(:scheduled_for AS timestamptz[]),
            CAST(:keys AS text[])
        ) WITH ORDINALITY AS d(id, user_id, type, title, message, event_id, scheduled_for, dedupe_key, position)
    ),
    fresh AS (
        SELECT DISTINCT ON (d.dedupe_key) d.* FROM drafts d
        WHERE NOT EXISTS (SELECT FROM notifications n WHERE n.dedupe_key = d.dedupe_key)
        ORDER BY d.dedupe_key, d.position
    ),
    numbered AS (
        SELECT f.*, c.last_seq + row_number() OVER (PARTITION BY f.user_id ORDER BY f.position) AS seq
        FROM fresh f JOIN notification_counters c ON c.user_id = f.user_id
    ),
    inserted AS (
        INSERT INTO notifications (id, user_id, seq, type, title, message, event_id, is_read, created_at,
                                   scheduled_for, dedupe_key)
        SELECT id, user_id, seq, type, title, message, event_id, false, :now, scheduled_for, dedupe_key
        FROM numbered ORDER BY position
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id, user_id, seq, type, title, message, event_id, is_read, created_at, dedupe_key
    ),
    counted AS (
        UPDATE notification_counters c SET last_seq = m.seq
        FROM (SELECT user_id, max(seq) AS seq FROM inserted GROUP BY user_id) m
        WHERE c.user_id = m.user_id
    ),
    marked AS (
        INSERT INTO unpublished_notifications (notification_ids)
        SELECT array_agg(id) FROM inserted HAVING count(*) > 0
    )
    SELECT id, user_id, seq, type, title, message, event_id, is_read, created_at, dedupe_key FROM inserted
    """
)
_UNREAD_COUNTS = text(
    """
    SELECT user_id, count(*) AS unread FROM notifications
    WHERE user_id = ANY(CAST(:users AS uuid[])) AND NOT is_read GROUP BY user_id
    """
)
# Whole commits' marks, locked (other sweepers skip them); a mark whose notifications are all gone
# (their reader's account deleted) is dropped on the spot.
_CLAIM_UNPUBLISHED = text(
    """
    WITH claimed AS (
        SELECT id, notification_ids FROM unpublished_notifications
        WHERE committed_at < now() - CAST(:unpublished_for AS interval)
        ORDER BY committed_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ),
    gone AS (
        DELETE FROM unpublished_notifications u USING claimed c
        WHERE u.id = c.id AND NOT EXISTS (SELECT FROM notifications n WHERE n.id = ANY(c.notification_ids))
    )
    SELECT n.id, n.user_id, n.seq, n.type, n.title, n.message, n.event_id, n.is_read, n.created_at, n.dedupe_key
    FROM claimed c JOIN notifications n ON n.id = ANY(c.notification_ids)
    """
)
# The marks holding any of these notifications (each notification is in one mark: its commit's).
_MARK_PUBLISHED = text("DELETE FROM unpublished_notifications WHERE notification_ids && CAST(:ids AS uuid[])")


class SqlNotificationRepository:
    """Implements domain.notifications.ports.NotificationRepository; every query is scoped to one user."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, draft: NotificationDraft) -> Notification | None:
        """Store the draft with the user's next `seq`; None if its dedupe key was stored before."""
        stored = await self.add_all([draft])
        return stored[0] if stored else None

    async def add_all(self, drafts: Sequence[NotificationDraft]) -> list[Notification]:
        """Store the drafts not stored before (by dedupe key), each reader's in the order given, each
        with its reader's next `seq`, and mark them unpublished; answers them by reader and `seq`."""
        if not drafts:
            return []
        now = datetime.now(UTC)
        readers = sorted({draft.user_id for draft in drafts})
        await self._session.execute(_LOCK_COUNTERS, {"users": readers})
        rows = await self._session.execute(
            _ADD_ALL,
            {
                "ids": [new_id(now) for _ in drafts],
                "users": [draft.user_id for draft in drafts],
                "types": [draft.type.value for draft in drafts],
                "titles": [draft.title for draft in drafts],
                "messages": [draft.message for draft in drafts],
                "event_ids": [draft.event_id for draft in drafts],
                "scheduled_for": [draft.scheduled_for for draft in drafts],
                "keys": [draft.dedupe_key for draft in drafts],
                "now": now,
            },
        )
        return sorted((_notification(row) for row in rows), key=lambda n: (n.user_id, n.seq))

    async def unread_counts(self, user_ids: Collection[UUID]) -> dict[UUID, int]:
        """How many each of these people has not read (0 for those with none)."""
        if not user_ids:
            return {}
        counts = dict.fromkeys(user_ids, 0)
        for row in await self._session.execute(_UNREAD_COUNTS, {"users": list(counts)}):
            counts[row.user_id] = row.unread
        return counts

    async def claim_unpublished(self, unpublished_for: timedelta, limit: int) -> list[Notification]:
        """The notifications of up to `limit` commits made `unpublished_for` ago or longer (by the
        database's clock) and not marked published, oldest first, their marks locked until the
        transaction ends (other claimers skip them)."""
        rows = await self._session.execute(_CLAIM_UNPUBLISHED, {"unpublished_for": unpublished_for, "limit": limit})
        return [_notification(row) for row in rows]

    async def mark_published(self, notification_ids: Collection[UUID]) -> None:
        """Note that these went out live: the sweeper will not publish them again."""
        if notification_ids:
            await self._session.execute(_MARK_PUBLISHED, {"ids": list(notification_ids)})

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
