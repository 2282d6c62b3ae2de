"""In-memory notifications, reminders and publisher, behaving like the PostgreSQL and Redis adapters.

The fake unit of work copies the notification and reminder tables at the start of each transaction
and publishes them on commit, like the scheduling tables.
"""

import copy
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from domain.notifications.email import OutgoingEmail
from domain.notifications.notification import Notification, NotificationDraft
from domain.notifications.preferences import NotificationPreferences
from domain.notifications.reminders import Reminder, ReminderKey
from domain.scheduling.event import Event
from tests.fakes.scheduling import Tables
from tests.unit.scheduling.factories import NOW


@dataclass
class DeliveryTables:
    """Notifications by dedupe key, each user's last seq, reminders by key."""

    notifications: dict[str, Notification] = field(default_factory=dict)
    last_seq: dict[UUID, int] = field(default_factory=dict)
    reminders: dict[ReminderKey, Reminder] = field(default_factory=dict)
    preferences: dict[UUID, NotificationPreferences] = field(default_factory=dict)
    emails: dict[str, OutgoingEmail] = field(default_factory=dict)
    """Queued emails by dedupe key."""
    unpublished: dict[UUID, datetime] = field(default_factory=dict)
    """Notifications not yet marked published, by id, with their commit time."""

    def snapshot(self) -> "DeliveryTables":
        return copy.deepcopy(self)

    def load(self, other: "DeliveryTables") -> None:
        self.notifications, self.last_seq, self.reminders = other.notifications, other.last_seq, other.reminders
        self.preferences, self.emails = other.preferences, other.emails
        self.unpublished = other.unpublished


class InMemoryNotificationRepository:
    """Notifications in memory; a dedupe key is stored once, seq grows by one per user."""

    def __init__(self, tables: DeliveryTables) -> None:
        self._tables = tables

    async def add(self, draft: NotificationDraft) -> Notification | None:
        if draft.dedupe_key in self._tables.notifications:
            return None
        seq = self._tables.last_seq.get(draft.user_id, 0) + 1
        self._tables.last_seq[draft.user_id] = seq
        notification = Notification(
            id=uuid4(),
            user_id=draft.user_id,
            seq=seq,
            type=draft.type,
            title=draft.title,
            message=draft.message,
            event_id=draft.event_id,
            is_read=False,
            created_at=NOW,
            dedupe_key=draft.dedupe_key,
        )
        self._tables.notifications[draft.dedupe_key] = notification
        self._tables.unpublished[notification.id] = datetime.now(UTC)
        return notification

    async def add_all(self, drafts: Sequence[NotificationDraft]) -> list[Notification]:
        stored = [notification for draft in drafts if (notification := await self.add(draft)) is not None]
        return sorted(stored, key=lambda n: (n.user_id, n.seq))

    async def unread_counts(self, user_ids: Collection[UUID]) -> dict[UUID, int]:
        return {user_id: await self.unread_count(user_id) for user_id in user_ids}

    async def claim_unpublished(self, unpublished_for: timedelta, limit: int) -> list[Notification]:
        committed_before = datetime.now(UTC) - unpublished_for
        by_id = {n.id: n for n in self._tables.notifications.values()}
        waiting = sorted(
            (at, by_id[nid].seq, nid) for nid, at in self._tables.unpublished.items() if at < committed_before
        )
        return [by_id[nid] for _, _, nid in waiting[:limit]]

    async def mark_published(self, notification_ids: Collection[UUID]) -> None:
        for notification_id in notification_ids:
            self._tables.unpublished.pop(notification_id, None)

    async def get(self, user_id: UUID, notification_id: UUID) -> Notification | None:
        return next((n for n in self._mine(user_id) if n.id == notification_id), None)

    async def list_page(
        self, user_id: UUID, *, before_seq: int | None, unread_only: bool, limit: int
    ) -> list[Notification]:
        found = [
            n
            for n in self._mine(user_id)
            if (before_seq is None or n.seq < before_seq) and not (unread_only and n.is_read)
        ]
        return sorted(found, key=lambda n: -n.seq)[:limit]

    async def list_after(self, user_id: UUID, after_seq: int, limit: int) -> list[Notification]:
        return sorted((n for n in self._mine(user_id) if n.seq > after_seq), key=lambda n: n.seq)[:limit]

    async def latest_seq(self, user_id: UUID) -> int:
        return self._tables.last_seq.get(user_id, 0)

    async def mark_read(self, user_id: UUID, notification_id: UUID) -> bool:
        found = await self.get(user_id, notification_id)
        if found is None:
            return False
        self._tables.notifications[found.dedupe_key] = replace(found, is_read=True)
        return True

    async def mark_all_read(self, user_id: UUID) -> int:
        unread = [n for n in self._mine(user_id) if not n.is_read]
        for notification in unread:
            self._tables.notifications[notification.dedupe_key] = replace(notification, is_read=True)
        return len(unread)

    async def unread_count(self, user_id: UUID) -> int:
        return sum(1 for n in self._mine(user_id) if not n.is_read)

    def _mine(self, user_id: UUID) -> list[Notification]:
        return [n for n in self._tables.notifications.values() if n.user_id == user_id]


class InMemoryReminderRepository:
    """Reminders in memory, one per (event, occurrence, person, offset)."""

    def __init__(self, tables: DeliveryTables, scheduling: Tables | None = None) -> None:
        self._tables = tables
        self._scheduling = scheduling or Tables()

    async def for_event(self, event_id: UUID) -> list[Reminder]:
        return sorted(
            (r for r in self._tables.reminders.values() if r.event_id == event_id),
            key=lambda r: (r.due_at, str(r.user_id), r.minutes),
        )

    async def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        due = [r for r in self._tables.reminders.values() if r.sent_at is None and r.due_at <= now]
        return sorted(due, key=lambda r: r.due_at)[:limit]

    async def save_all(self, reminders: Sequence[Reminder]) -> None:
        for reminder in reminders:
            self._tables.reminders[reminder.key] = reminder

    async def remove_all(self, reminders: Sequence[Reminder]) -> None:
        for reminder in reminders:
            self._tables.reminders.pop(reminder.key, None)

    async def series_needing_reminders(self, as_of: datetime, lookahead: timedelta) -> list[UUID]:
        reminded = {(r.event_id, r.recurrence_id) for r in self._tables.reminders.values()}

        def needs(event: Event) -> bool:
            reach = as_of + lookahead + timedelta(minutes=max(event.reminders), days=1 if event.all_day else 0)
            return any(
                o.ends_at > as_of and (event.id, o.recurrence_id) not in reminded
                for o in event.occurrences(before=reach)
            )

        series = self._scheduling.events.values()
        return sorted((e.id for e in series if e.recurrence is not None and e.reminders and needs(e)), key=str)


@dataclass
class RecordingPublisher:
    """Remembers what it was asked to publish; `broken` makes it fail like a Redis that is down."""

    created: list[tuple[Notification, int]] = field(default_factory=list)
    counts: list[tuple[UUID, int]] = field(default_factory=list)
    calendars: list[set[UUID]] = field(default_factory=list)
    broken: bool = False

    async def notification_created(self, notification: Notification, unread_count: int) -> None:
        if self.broken:
            raise ConnectionError("redis is down")
        self.created.append((notification, unread_count))

    async def notifications_created(self, created: Sequence[tuple[Notification, int]]) -> None:
        if self.broken:
            raise ConnectionError("redis is down")
        self.created.extend(created)

    async def unread_count_changed(self, user_id: UUID, unread_count: int) -> None:
        if self.broken:
            raise ConnectionError("redis is down")
        self.counts.append((user_id, unread_count))

    async def calendars_changed(self, user_ids: Iterable[UUID]) -> None:
        if self.broken:
            raise ConnectionError("redis is down")
        self.calendars.append(set(user_ids))
