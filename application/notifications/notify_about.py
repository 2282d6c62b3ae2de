"""Tell people about something that happened: store one notification per person told, then publish them."""

from collections.abc import Iterable
from uuid import UUID

from application.notifications.publishing import publish_created
from application.unit_of_work import UnitOfWork
from domain.accounts.user import User
from domain.domain_events import DomainEvent
from domain.notifications.email import EmailDraft
from domain.notifications.notification import Notification, NotificationDraft
from domain.notifications.ports import NotificationPublisher
from domain.notifications.preferences import Channel
from domain.notifications.rules import (
    Circumstances,
    concerned_event,
    concerned_room,
    notifications_about,
    people_involved,
)


async def notify_about(
    event: DomainEvent, *, uow: UnitOfWork, publisher: NotificationPublisher, email: bool = False
) -> list[Notification]:
    """Store and publish the notifications `event` gives rise to; answers those stored now.

    Idempotent: each notification's dedupe key comes from the fact it tells, so telling the same
    event again (a retried or duplicated job) stores and publishes nothing new. With `email` (email
    is configured), those who want this news by email get it queued as an email too.
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
        stored, unread_counts = await store_notifications(uow, drafts, email=email)
        await uow.commit()
    await publish_created(publisher, stored, unread_counts, uow=uow)
    return stored


async def store_notifications(
    uow: UnitOfWork, drafts: Iterable[NotificationDraft], *, email: bool = False
) -> tuple[list[Notification], dict[UUID, int]]:
    """Store the drafts not stored before; answers the new notifications and their readers' unread counts.

    Each person's preferences decide: a draft is stored (told in the app) only if they want this
    kind in the app, and, with `email`, queued as an email (queue_emails) if they want it by email.

    All are stored in a few statements however many (NotificationRepository.add_all): each reader's
    counter is locked until the commit, in the order of user ids, so two transactions telling
    overlapping people never wait on each other in a circle (a deadlock). A reader's own
    notifications keep the order they were drafted in.
    """
    drafts = list(drafts)
    preferences = await uow.notification_preferences.of_people({draft.user_id for draft in drafts})
    if email:
        await queue_emails(uow, [d for d in drafts if preferences[d.user_id].wants(d.type, Channel.EMAIL)])
    in_app = [draft for draft in drafts if preferences[draft.user_id].wants(draft.type, Channel.IN_APP)]
    stored = await uow.notifications.add_all(in_app)
    return stored, await uow.notifications.unread_counts({notification.user_id for notification in stored})


async def queue_emails(uow: UnitOfWork, drafts: list[NotificationDraft]) -> int:
    """Queue one email per draft (not queued before) to its reader's address; answers how many are new."""
    if not drafts:
        return 0
    people = await _people(uow, {draft.user_id for draft in drafts})
    queued = 0
    for draft in drafts:
        person = people.get(draft.user_id)
        if person is None:
            continue  # their account is gone
        email = EmailDraft.of(draft, address=person.email, recipient_name=person.name)
        queued += await uow.emails.queue(email) is not None
    return queued


async def _people(uow: UnitOfWork, user_ids: Iterable[UUID]) -> dict[UUID, User]:
    # One query for everyone involved; a person whose account is gone is simply not found.
    return {user.id: user for user in await uow.users.find(ids=set(user_ids))}
