"""Notifications as the public contract shows them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.notifications.notification import Notification as DomainNotification


class Notification(msgspec.Struct):
    id: UUID
    type: str
    title: str
    message: str
    event_id: UUID | None
    is_read: bool
    created_at: datetime

    @classmethod
    def of(cls, notification: DomainNotification) -> Notification:
        return cls(
            id=notification.id,
            type=notification.type.value,
            title=notification.title,
            message=notification.message,
            event_id=notification.event_id,
            is_read=notification.is_read,
            created_at=notification.created_at,
        )


class NotificationList(msgspec.Struct):
    items: list[Notification]
    next_cursor: str | None


class ReadAll(msgspec.Struct):
    updated: int


class Connections(msgspec.Struct):
    active_users: int
    connections: int
    per_user: dict[str, int]
