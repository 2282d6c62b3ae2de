"""Read and choose how one is told each kind of news (in the app, by email, both or neither)."""

from uuid import UUID

from application.notifications.dto import ChooseNotificationPreferences
from application.unit_of_work import UnitOfWork
from domain.notifications.preferences import NotificationPreferences


async def get_notification_preferences(actor_id: UUID, *, uow: UnitOfWork) -> NotificationPreferences:
    """The actor's preferences (the defaults for kinds they never chose)."""
    async with uow:
        found = await uow.notification_preferences.of_people([actor_id])
    return found[actor_id]


async def choose_notification_preferences(
    command: ChooseNotificationPreferences, *, uow: UnitOfWork
) -> NotificationPreferences:
    """Set the channels of the kinds the command names; InvalidInput names an unknown kind or channel."""
    async with uow:
        current = (await uow.notification_preferences.of_people([command.actor_id]))[command.actor_id]
        chosen = current.choose(command.choices)
        await uow.notification_preferences.save(chosen)
        await uow.commit()
    return chosen
