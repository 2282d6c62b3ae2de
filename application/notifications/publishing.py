"""Telling open pages about notifications once they are committed."""

from collections.abc import Mapping, Sequence
from uuid import UUID

import structlog

from domain.notifications.notification import Notification
from domain.notifications.ports import NotificationPublisher

log = structlog.get_logger(__name__)


async def publish_created(
    publisher: NotificationPublisher, notifications: Sequence[Notification], unread_counts: Mapping[UUID, int]
) -> None:
    """Publish each committed notification with its reader's unread count, in `seq` order.

    A failure is logged, not raised: the notification is stored, and a page that missed the live
    message replays it from the database when it reconnects.
    """
    for notification in sorted(notifications, key=lambda n: (n.user_id, n.seq)):
        try:
            await publisher.notification_created(notification, unread_counts[notification.user_id])
        except Exception:
            log.warning(
                "notification.publish_failed",
                notification_id=str(notification.id),
                user_id=str(notification.user_id),
                exc_info=True,
            )
