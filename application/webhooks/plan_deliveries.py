"""After a change: one delivery per subscription that wants to hear of it, stored, then handed to the workers.

Runs in the worker, as a reaction to an outbox message (application/handlers.py): never in the request.
Planning is idempotent (one delivery per subscription and fact), so a retried reaction plans nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.domain_events import DomainEvent
from domain.identity import new_id
from domain.notifications.notification import Notification
from domain.notifications.ports import NotificationPublisher
from domain.webhooks.delivery import WebhookDelivery
from domain.webhooks.messages import Draft, drafts_about, event_id_of, event_types_of, in_scope, notification_draft
from domain.webhooks.ports import WebhookQueue, WebhookStore
from domain.webhooks.subscription import WebhookEventType, WebhookSubscription


async def plan_webhook_deliveries(
    event: DomainEvent, *, uow: UnitOfWork, store: WebhookStore, queue: WebhookQueue
) -> int:
    """Plan and queue the deliveries a domain event gives rise to; answers how many are pending."""
    kinds = event_types_of(event)
    event_id = event_id_of(event)
    if not kinds or event_id is None:
        return 0
    subscriptions = await store.subscriptions_wanting(kinds)
    if not subscriptions:
        return 0
    async with uow:
        current = await uow.events.get(event_id)
    return await _plan(drafts_about(event, current), subscriptions, store=store, queue=queue)


async def plan_notification_deliveries(
    notifications: Sequence[Notification], *, store: WebhookStore, queue: WebhookQueue
) -> int:
    """Plan and queue the notification.created deliveries of notifications just stored."""
    if not notifications:
        return 0
    subscriptions = await store.subscriptions_wanting([WebhookEventType.NOTIFICATION_CREATED])
    if not subscriptions:
        return 0
    drafts = [
        notification_draft(
            notification_id=notification.id,
            user_id=notification.user_id,
            kind=notification.type.value,
            title=notification.title,
            message=notification.message,
            event_id=notification.event_id,
            at=notification.created_at,
        )
        for notification in notifications
    ]
    return await _plan(drafts, subscriptions, store=store, queue=queue)


class PublishingToWebhooks:
    """A NotificationPublisher that, besides the live message, plans the notification's notification.created deliveries.

    Every way a notification is stored (news of a change, a reminder, a Google sync failure, a
    disabled webhook) publishes it through the worker's publisher, so wrapping that one publisher is
    what makes every stored notification reach the webhooks whose scope holds its reader.
    """

    def __init__(self, live: NotificationPublisher, *, store: WebhookStore, queue: WebhookQueue) -> None:
        self._live, self._store, self._queue = live, store, queue

    async def notification_created(self, notification: Notification, unread_count: int) -> None:
        try:
            await self._live.notification_created(notification, unread_count)
        finally:
            # A live message that failed (Redis down) does not keep the webhooks from hearing of it.
            await plan_notification_deliveries([notification], store=self._store, queue=self._queue)

    async def notifications_created(self, created: Sequence[tuple[Notification, int]]) -> None:
        """A batch (a burst of reminders): one pipeline of live messages, then one plan of their deliveries."""
        try:
            await self._live.notifications_created(created)
        finally:
            await plan_notification_deliveries(
                [notification for notification, _ in created], store=self._store, queue=self._queue
            )

    async def unread_count_changed(self, user_id: UUID, unread_count: int) -> None:
        await self._live.unread_count_changed(user_id, unread_count)

    async def calendars_changed(self, user_ids: Iterable[UUID]) -> None:
        await self._live.calendars_changed(user_ids)


async def _plan(
    drafts: Sequence[Draft], subscriptions: Sequence[WebhookSubscription], *, store: WebhookStore, queue: WebhookQueue
) -> int:
    planned = [
        (_delivery(draft, subscription), draft.source_key)
        for draft in drafts
        for subscription in subscriptions
        if subscription.wants(draft.type) and in_scope(subscription, draft.whose)
    ]
    pending = await store.plan(planned)
    if pending:
        await queue.send_now(pending)
    return len(pending)


def _delivery(draft: Draft, subscription: WebhookSubscription) -> WebhookDelivery:
    delivery_id = new_id(draft.occurred_at)
    body = {"type": draft.type.value, "timestamp": draft.occurred_at.isoformat(), "data": draft.data}
    return WebhookDelivery(
        id=delivery_id,
        subscription_id=subscription.id,
        message_id=f"msg_{delivery_id.hex}",
        event_type=draft.type,
        payload=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        created_at=draft.occurred_at,
        next_attempt_at=draft.occurred_at,
    )
