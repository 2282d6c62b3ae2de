"""A subscription's delivery log, and sending one delivery again."""

from __future__ import annotations

from uuid import UUID

from application.webhooks.subscriptions import own_subscription
from domain.clock import Clock
from domain.errors import NotFound
from domain.webhooks.delivery import SubscriptionDisabled, WebhookDelivery
from domain.webhooks.ports import LoggedDelivery, WebhookQueue, WebhookStore

LOG_PAGE = 100


async def list_deliveries(
    owner_id: UUID, subscription_id: UUID, *, store: WebhookStore, limit: int = LOG_PAGE
) -> list[LoggedDelivery]:
    """The subscription's latest deliveries, newest first, each with its attempts."""
    await own_subscription(owner_id, subscription_id, store=store)
    return await store.deliveries_of(subscription_id, limit=limit)


async def send_again(
    owner_id: UUID,
    subscription_id: UUID,
    delivery_id: UUID,
    *,
    store: WebhookStore,
    queue: WebhookQueue,
    clock: Clock,
) -> WebhookDelivery:
    """Make one more attempt of the delivery due now (same webhook-id and body) and ask a worker to send it."""
    subscription = await own_subscription(owner_id, subscription_id, store=store)
    if not subscription.is_active:
        raise SubscriptionDisabled()
    delivery = await store.delivery(subscription_id, delivery_id)
    if delivery is None:
        raise NotFound("webhook delivery", delivery_id)
    again = delivery.sent_again(clock.now())
    await store.save_delivery(again)
    await queue.send_now([again.id])
    return again
