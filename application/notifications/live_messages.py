"""What travels on a person's live channel: the messages the publisher sends and the SSE stream relays.

The shape is the public contract of `GET /api/notifications/stream` (docs/notifications.md): the
workers publish it, and the web processes pass it on to the browser as it came.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

import msgspec

from domain.notifications.notification import Notification


def user_channel(user_id: UUID) -> str:
    """The channel a user's open streams listen on."""
    return f"notifications:{user_id}"


class NotificationWire(msgspec.Struct):
    """A notification as the public contract shows it."""

    id: UUID
    type: str
    title: str
    message: str
    event_id: UUID | None
    is_read: bool
    created_at: datetime

    @classmethod
    def of(cls, notification: Notification) -> Self:
        return cls(
            id=notification.id,
            type=notification.type.value,
            title=notification.title,
            message=notification.message,
            event_id=notification.event_id,
            is_read=notification.is_read,
            created_at=notification.created_at,
        )


class ChannelMessage(msgspec.Struct, omit_defaults=True):
    """What travels on a user's channel: a new notification (with its seq), a new unread count, or news
    that the user's calendars changed (open pages then reload what they show)."""

    unread_count: int | None = None
    seq: int | None = None
    notification: NotificationWire | None = None
    calendars_changed: bool = False
