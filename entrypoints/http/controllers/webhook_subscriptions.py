"""Outgoing webhooks: subscribe a receiver, list and delete subscriptions, read the delivery log, send again."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from application.webhooks.deliveries import list_deliveries, send_again
from application.webhooks.subscriptions import (
    SubscribeWebhook,
    delete_webhook,
    enable_webhook,
    list_webhooks,
    subscribe_webhook,
)
from domain.accounts.api_token import TokenScope
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.examples import WebhookCreateBody
from entrypoints.http.schemas.webhooks import (
    Delivery,
    DeliveryList,
    DeliveryQueued,
    NewWebhook,
    Webhook,
    WebhookList,
)
from entrypoints.http.scopes import needs

SubscriptionId = Annotated[UUID, Parameter(description="Webhook subscription id")]
DeliveryId = Annotated[UUID, Parameter(description="Delivery id (from the delivery log)")]

SIGNING = (
    "Deliveries follow Standard Webhooks: headers webhook-id (the same on every retry: dedupe on it), "
    "webhook-timestamp and webhook-signature (v1, HMAC-SHA256 of id.timestamp.body with the secret). "
    "Verify with the standardwebhooks library: Webhook(secret).verify(body, headers)."
)


class WebhookSubscriptionController(Controller):
    path = "/api/webhooks"
    tags = ["Webhooks"]

    @post(
        "/",
        operation_id="createWebhook",
        **needs(TokenScope.EVENTS_READ),
        status_code=HTTP_201_CREATED,
        responses=problems(401, 403, 404, 422),
        summary="Subscribe a receiver URL to event types; answers the signing secret once",
        description="Event types: event.created, event.updated, event.cancelled, participant.responded, "
        "room.booked, room.released, notification.created. Scope: my events (default), a calendar I own "
        "(calendar_id), or everything (scope=everything, administrators only). The URL's host must resolve "
        "to a public address unless the operator set WEBHOOK_ALLOW_PRIVATE=true. " + SIGNING,
    )
    async def create(self, data: WebhookCreateBody, ctx: Ctx) -> NewWebhook:
        subscription = await subscribe_webhook(
            SubscribeWebhook(
                owner_id=ctx.actor.id,
                owner_is_admin=ctx.actor.is_admin,
                url=data.url,
                events=data.events,
                calendar_id=data.calendar_id,
                scope=data.scope,
            ),
            uow=ctx.uow,
            store=ctx.container.webhooks.store,
            addresses=ctx.container.webhooks.addresses,
            clock=ctx.clock,
        )
        shown = Webhook.of(subscription)
        return NewWebhook(
            **{field: getattr(shown, field) for field in shown.__struct_fields__}, secret=subscription.secret
        )

    @get(
        "/",
        operation_id="listWebhooks",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401),
        summary="My webhook subscriptions (without their secrets)",
        description="Oldest first. A subscription whose deliveries failed for 24 hours has disabled_at set.",
    )
    async def list(self, ctx: Ctx) -> WebhookList:
        subscriptions = await list_webhooks(ctx.actor.id, store=ctx.container.webhooks.store)
        return WebhookList(items=[Webhook.of(subscription) for subscription in subscriptions])

    @delete(
        "/{subscription_id:uuid}",
        operation_id="deleteWebhook",
        **needs(TokenScope.EVENTS_READ),
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(401, 404),
        summary="Delete a subscription with its pending deliveries and log",
        description="Nothing more is sent to it, not even retries already planned.",
    )
    async def remove(self, subscription_id: SubscriptionId, ctx: Ctx) -> None:
        await delete_webhook(ctx.actor.id, subscription_id, store=ctx.container.webhooks.store)

    @post(
        "/{subscription_id:uuid}/enable",
        operation_id="enableWebhook",
        **needs(TokenScope.EVENTS_READ),
        status_code=HTTP_200_OK,
        responses=problems(401, 404),
        summary="Switch a disabled subscription on again, once its receiver is fixed",
        description="No body. Clears disabled_at and failing_since: the 24-hour failure window starts anew. "
        "Deliveries still pending resume on their schedule; those that used their whole schedule stay failed "
        "(send them again one by one with .../deliveries/{delivery_id}/retry). Enabling an active "
        "subscription changes nothing. Answers the subscription.",
    )
    async def enable(self, subscription_id: SubscriptionId, ctx: Ctx) -> Webhook:
        return Webhook.of(await enable_webhook(ctx.actor.id, subscription_id, store=ctx.container.webhooks.store))

    @get(
        "/{subscription_id:uuid}/deliveries",
        operation_id="listWebhookDeliveries",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404),
        summary="The subscription's delivery log: the latest 100 deliveries, each with its attempts",
        description="Each attempt has its status code (null when no answer came), latency in ms, the first "
        "512 bytes of the answer, and its number. Kept 14 days. Retries: 5 s, 30 s, 2 min, 5 min, 15 min, "
        "30 min, 1 h, 2 h, 4 h, 8 h, 8 h 10 min after each failure (each up to a quarter shorter at random).",
    )
    async def deliveries(self, subscription_id: SubscriptionId, ctx: Ctx) -> DeliveryList:
        logged = await list_deliveries(ctx.actor.id, subscription_id, store=ctx.container.webhooks.store)
        return DeliveryList(items=[Delivery.of(entry) for entry in logged])

    @post(
        "/{subscription_id:uuid}/deliveries/{delivery_id:uuid}/retry",
        operation_id="retryWebhookDelivery",
        **needs(TokenScope.EVENTS_READ),
        status_code=HTTP_202_ACCEPTED,
        responses=problems(401, 404, 409),
        summary="Send one delivery again now, with the same webhook-id and body",
        description="Works on a delivered, failed or pending delivery; 409 if the subscription is disabled.",
    )
    async def retry(self, subscription_id: SubscriptionId, delivery_id: DeliveryId, ctx: Ctx) -> DeliveryQueued:
        delivery = await send_again(
            ctx.actor.id,
            subscription_id,
            delivery_id,
            store=ctx.container.webhooks.store,
            queue=ctx.container.webhooks.queue,
            clock=ctx.clock,
        )
        return DeliveryQueued(id=delivery.id, webhook_id=delivery.message_id)
