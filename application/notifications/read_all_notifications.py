"""Mark every notification of a person read, and tell their open pages."""

from application.notifications.dto import ReadAllNotifications
from application.unit_of_work import UnitOfWork
from domain.notifications.ports import NotificationPublisher


async def read_all_notifications(
    command: ReadAllNotifications, *, uow: UnitOfWork, publisher: NotificationPublisher
) -> int:
    """Mark all of mine read; answers how many changed."""
    async with uow:
        changed = await uow.notifications.mark_all_read(command.actor_id)
        await uow.commit()
    if changed:
        await publisher.unread_count_changed(command.actor_id, 0)
    return changed
