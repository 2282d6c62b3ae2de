"""Tell one person one thing: store a notification (once per dedupe key) and publish it."""

from application.notifications.notify_about import store_notifications
from application.notifications.publishing import publish_created
from application.unit_of_work import UnitOfWork
from domain.notifications.notification import Notification, NotificationDraft
from domain.notifications.ports import NotificationPublisher


async def create_notification(
    draft: NotificationDraft, *, uow: UnitOfWork, publisher: NotificationPublisher
) -> Notification | None:
    """Store and publish the draft; None (and nothing published) if its dedupe key was stored before."""
    async with uow:
        stored, unread_counts = await store_notifications(uow, [draft])
        await uow.commit()
    await publish_created(publisher, stored, unread_counts, uow=uow)
    return stored[0] if stored else None
