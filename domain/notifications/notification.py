"""A notification: one thing one person is told, numbered in the order they are told it."""

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


class NotificationType(enum.StrEnum):
    """What happened, as the public contract names it."""

    EVENT_INVITED = "event_invited"
    EVENT_UPDATED = "event_updated"
    EVENT_CANCELLED = "event_cancelled"
    PARTICIPANT_RESPONSE = "participant_response"
    EVENT_REMINDER = "event_reminder"
    JOB_FAILED = "job_failed"
    ROOM_DECLINED = "room_declined"
    WEBHOOK_DISABLED = "webhook_disabled"


@dataclass(frozen=True, kw_only=True)
class NotificationDraft:
    """A notification about to be stored; `dedupe_key` makes storing it twice a no-op."""

    user_id: UUID
    type: NotificationType
    title: str
    message: str
    event_id: UUID | None
    dedupe_key: str
    scheduled_for: datetime | None = None
    """When it was meant to be told (a reminder's due time); None for news told as it happens."""
    recurrence_id: datetime | None = None
    """The occurrence of a series it is about, when its email needs it (a cancelled occurrence); not stored."""


@dataclass(frozen=True, kw_only=True)
class Notification:
    """A stored notification; `seq` grows by one per user in the order notifications were committed.

    `seq` is what the live stream sends as each message's id, so a client reconnecting with
    Last-Event-ID gets exactly what came after it.
    """

    id: UUID
    user_id: UUID
    seq: int
    type: NotificationType
    title: str
    message: str
    event_id: UUID | None
    is_read: bool
    created_at: datetime
    dedupe_key: str
