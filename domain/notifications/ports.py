"""Ports of the notifications feature: where notifications are kept and how they reach open pages."""

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.notifications.notification import Notification, NotificationDraft
from domain.notifications.preferences import NotificationPreferences
from domain.notifications.reminders import Reminder


class NotificationRepository(Protocol):
    """Notifications of every user; every query is scoped to one user (others' are invisible)."""

    async def add(self, draft: NotificationDraft) -> Notification | None:
        """Store the draft with the user's next `seq`; None if its dedupe key was stored before."""
        ...

    async def add_all(self, drafts: Sequence[NotificationDraft]) -> list[Notification]:
        """Store the drafts not stored before (by dedupe key), each reader's in the order given and with
        their next `seq`; answers those stored, by reader and `seq`.

        Each stays marked unpublished until `mark_published`, in the same transaction as the notification.
        """
        ...

    async def unread_counts(self, user_ids: Collection[UUID]) -> dict[UUID, int]:
        """How many each of these people has not read."""
        ...

    async def claim_unpublished(self, unpublished_for: timedelta, limit: int) -> list[Notification]:
        """The notifications of up to `limit` commits made at least `unpublished_for` ago and never
        marked published, oldest first, held until the unit of work ends (concurrent claimers skip them)."""
        ...

    async def mark_published(self, notification_ids: Collection[UUID]) -> None:
        """Note that these went out live."""
        ...

    async def get(self, user_id: UUID, notification_id: UUID) -> Notification | None:
        """The user's notification, or None (also when it is someone else's)."""
        ...

    async def list_page(
        self, user_id: UUID, *, before_seq: int | None, unread_only: bool, limit: int
    ) -> list[Notification]:
        """Newest first, with `seq` below `before_seq` when given."""
        ...

    async def list_after(self, user_id: UUID, after_seq: int, limit: int) -> list[Notification]:
        """Oldest first, with `seq` above `after_seq`: what a reconnecting stream missed."""
        ...

    async def latest_seq(self, user_id: UUID) -> int:
        """The user's highest `seq`, 0 when they have none."""
        ...

    async def mark_read(self, user_id: UUID, notification_id: UUID) -> bool:
        """Mark one read; False when the user has no such notification."""
        ...

    async def mark_all_read(self, user_id: UUID) -> int:
        """Mark every unread one read; answers how many changed."""
        ...

    async def unread_count(self, user_id: UUID) -> int:
        """How many the user has not read."""
        ...


class NotificationPublisher(Protocol):
    """Tells every web process that a user has news, so their open streams show it at once."""

    async def notification_created(self, notification: Notification, unread_count: int) -> None:
        """A notification was committed for `notification.user_id`."""
        ...

    async def notifications_created(self, created: Sequence[tuple[Notification, int]]) -> None:
        """Each notification was committed, with its reader's unread count: all sent in one go, in order.

        Raises when they could not be handed over (the caller then leaves them to the sweeper).
        """
        ...

    async def unread_count_changed(self, user_id: UUID, unread_count: int) -> None:
        """The user's unread count changed without a new notification (read, read-all)."""
        ...

    async def calendars_changed(self, user_ids: Iterable[UUID]) -> None:
        """What these people see in their calendars changed without a notification (e.g. a Google sync)."""
        ...


class ReminderRepository(Protocol):
    """Every person's reminders of every event, one per (event, occurrence, person, offset)."""

    async def for_event(self, event_id: UUID) -> list[Reminder]:
        """The event's reminders, sent or not."""
        ...

    async def claim_due(self, now: datetime, limit: int) -> list[Reminder]:
        """Up to `limit` unsent reminders due by `now`, earliest first, locked until the unit of work ends.

        Reminders another unit of work holds are skipped, so concurrent workers never claim the same one.
        """
        ...

    async def save_all(self, reminders: Sequence[Reminder]) -> None:
        """Store new reminders and the new due time or sent mark of existing ones."""
        ...

    async def remove_all(self, reminders: Sequence[Reminder]) -> None:
        """Delete these reminders."""
        ...

    async def series_needing_reminders(self, as_of: datetime, lookahead: timedelta) -> list[UUID]:
        """The confirmed series with an occurrence within reminder reach that has no reminder yet.

        Reach: from `as_of` to the series' longest offset plus `lookahead` (a day more if all-day).
        """
        ...


class NotificationPreferenceRepository(Protocol):
    """Each person's chosen channels per kind of news; someone who never chose has the defaults."""

    async def of_people(self, user_ids: Iterable[UUID]) -> dict[UUID, NotificationPreferences]:
        """The preferences of each of these people (the defaults for those who never chose)."""
        ...

    async def save(self, preferences: NotificationPreferences) -> None:
        """Store the person's choices."""
        ...
