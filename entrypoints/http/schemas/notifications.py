"""Notifications as the public contract shows them."""

from __future__ import annotations

import msgspec

from application.notifications.live_messages import NotificationWire


class Notification(NotificationWire):
    """A notification as the API and the live stream show it."""


class NotificationList(msgspec.Struct):
    items: list[Notification]
    next_cursor: str | None


class Count(msgspec.Struct):
    count: int


class ReadAll(msgspec.Struct):
    updated: int


class Connections(msgspec.Struct):
    active_users: int
    connections: int
    per_user: dict[str, int]
