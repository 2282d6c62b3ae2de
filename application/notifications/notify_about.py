"""Tell people about something that happened: store one notification per person told, then publish them."""

from collections.abc import Iterable
from uuid import UUID

from application.notifications.publishing import publish_created
from application.unit_of_work import UnitOfWork
from domain.accounts.user import User
from domain.domain_events import DomainEvent
from domain.notifications.notification import Notification, NotificationDraft
from domain.notifications.ports import NotificationPublisher
from domain.notifications.rules import (
    Circumstances,
    concerned_event,
    concerned_room,
    notifications_about,
    people_involved,
)


async def notify_about(event: DomainEvent, *, uow: UnitOfWork, publisher: NotificationPublisher) -> list[Notification]:
    """Store and publish the notifications `event` gives rise to; answers those stored now.

    Idempotent: each notification's dedupe key comes from the fact it tells, so telling the same
    event again (a retried or duplicated job) stores and publishes nothing new.
    """
    event_id = concerned_event(event)
    if event_id is None:
        return []
    async with uow:
        current = await uow.events.get(event_id)
        room_id = concerned_room(event, current)
        room = None if room_id is None else await uow.rooms.get(room_id)
        people = await _people(uow, people_involved(event))
        drafts = notifications_about(event, Circumstances(people=people, event=current, room=room))
        stored, unread_counts = await store_notifications(uow, drafts)
        await uow.commit()
    await publish_created(publisher, stored, unread_counts)
    return stored


async def store_notifications(
    uow: UnitOfWork, drafts: Iterable[NotificationDraft]
) -> tuple[list[Notification], dict[UUID, int]]:
    """Store the drafts not stored before; answers the new notifications and their readers' unread counts.

    Storing a notification locks its reader's counter until the commit; taking those locks in the
    order of user ids means two transactions telling overlapping people never wait on each other
    in a circle (a deadlock). A reader's own notifications keep the order they were drafted in.
    """
    in_lock_order = sorted(drafts, key=lambda draft: draft.user_id)
    stored = [
        notification for draft in in_lock_order if (notification := await uow.notifications.add(draft)) is not None
    ]
    readers = dict.fromkeys(notification.user_id for notification in stored)
    return stored, {user_id: await uow.notifications.unread_count(user_id) for user_id in readers}


async def _people(uow: UnitOfWork, user_ids: Iterable[UUID]) -> dict[UUID, User]:
    # One query for everyone involved; a person whose account is gone is simply not found.
    return {user.id: user for user in await uow.users.find(ids=set(user_ids))}
