"""Mark one notification read, and tell the reader's open pages the new unread count."""

from application.notifications.dto import ReadNotification
from application.unit_of_work import UnitOfWork
from domain.errors import NotFound
from domain.notifications.notification import Notification
from domain.notifications.ports import NotificationPublisher


async def read_notification(
    command: ReadNotification, *, uow: UnitOfWork, publisher: NotificationPublisher
) -> Notification:
    """Mark one of mine read (NotFound for anyone else's) and tell my open pages the new count."""
    actor_id, notification_id = command.actor_id, command.notification_id
    async with uow:
        changed = await uow.notifications.mark_read(actor_id, notification_id)
        notification = await uow.notifications.get(actor_id, notification_id)
        if notification is None:
            raise NotFound("notification", notification_id)
        unread = await uow.notifications.unread_count(actor_id)
        await uow.commit()
    if changed:
        await publisher.unread_count_changed(actor_id, unread)
    return notification
