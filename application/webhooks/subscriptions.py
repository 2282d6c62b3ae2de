"""Subscribing a receiver to planner's events, listing and deleting one's subscriptions."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from uuid import UUID

import structlog

from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import InvalidInput, NotFound, PermissionDenied
from domain.identity import new_id
from domain.webhooks.ports import ReceiverAddresses, WebhookStore
from domain.webhooks.subscription import (
    MAX_SUBSCRIPTIONS_PER_PERSON,
    WebhookScope,
    WebhookSubscription,
    webhook_event_types,
)

SECRET_BYTES = 24

log = structlog.get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class SubscribeWebhook:
    """Send these event types to `url`: of my events, of a calendar I own (`calendar_id`), or all (admins)."""

    owner_id: UUID
    owner_is_admin: bool
    url: str
    events: list[str]
    calendar_id: UUID | None = None
    scope: str | None = None
    """my_events (the default), calendar (implied by calendar_id) or everything (admins only)."""


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


async def subscribe_webhook(
    command: SubscribeWebhook, *, uow: UnitOfWork, store: WebhookStore, addresses: ReceiverAddresses, clock: Clock
) -> WebhookSubscription:
    """Store the subscription with a new secret; the URL must reach an address planner may send to."""
    event_types = webhook_event_types(command.events)
    scope = _scope(command)
    if scope is WebhookScope.EVERYTHING and not command.owner_is_admin:
        raise PermissionDenied("only administrators may subscribe to everyone's events")
    if scope is WebhookScope.CALENDAR:
        await _check_owns_calendar(uow, command.owner_id, command.calendar_id)
    url = command.url.strip()
    await addresses.check(url)
    if len(await store.subscriptions_of(command.owner_id)) >= MAX_SUBSCRIPTIONS_PER_PERSON:
        raise InvalidInput("url", f"a person may hold at most {MAX_SUBSCRIPTIONS_PER_PERSON} webhook subscriptions")
    now = clock.now()
    subscription = WebhookSubscription(
        id=new_id(now),
        owner_id=command.owner_id,
        url=url,
        event_types=event_types,
        scope=scope,
        calendar_id=command.calendar_id if scope is WebhookScope.CALENDAR else None,
        secret=new_secret(),
        created_at=now,
    )
    await store.add_subscription(subscription)
    return subscription


async def list_webhooks(owner_id: UUID, *, store: WebhookStore) -> list[WebhookSubscription]:
    """The person's subscriptions, oldest first."""
    return await store.subscriptions_of(owner_id)


async def own_subscription(owner_id: UUID, subscription_id: UUID, *, store: WebhookStore) -> WebhookSubscription:
    """The person's subscription; NotFound also when it is someone else's."""
    subscription = await store.subscription(subscription_id)
    if subscription is None or subscription.owner_id != owner_id:
        raise NotFound("webhook subscription", subscription_id)
    return subscription


async def enable_webhook(owner_id: UUID, subscription_id: UUID, *, store: WebhookStore) -> WebhookSubscription:
    """Switch a disabled subscription on again (its receiver is fixed): its 24-hour failure window starts anew.

    Deliveries still pending resume on their schedule; those that used their whole schedule stay
    failed (send them again one by one). Enabling an active subscription changes nothing.
    """
    subscription = await own_subscription(owner_id, subscription_id, store=store)
    if subscription.is_active:
        return subscription
    enabled = subscription.enabled()
    await store.save_state(enabled)
    log.info("webhook.enabled", subscription_id=str(subscription_id))
    return enabled


async def delete_webhook(owner_id: UUID, subscription_id: UUID, *, store: WebhookStore) -> None:
    """Delete the person's subscription, its pending deliveries and its log."""
    await own_subscription(owner_id, subscription_id, store=store)
    await store.remove_subscription(subscription_id)


def _scope(command: SubscribeWebhook) -> WebhookScope:
    if command.scope is None:
        return WebhookScope.CALENDAR if command.calendar_id is not None else WebhookScope.MY_EVENTS
    try:
        scope = WebhookScope(command.scope)
    except ValueError:
        raise InvalidInput("scope", "scope is one of my_events, calendar, everything") from None
    if (scope is WebhookScope.CALENDAR) != (command.calendar_id is not None):
        raise InvalidInput("calendar_id", "calendar_id goes with scope calendar, and only with it")
    return scope


async def _check_owns_calendar(uow: UnitOfWork, user_id: UUID, calendar_id: UUID | None) -> None:
    async with uow:
        calendar = None if calendar_id is None else await uow.calendars.get(calendar_id)
    if calendar is None or not calendar.can_read(user_id):
        raise NotFound("calendar", calendar_id)
    if not calendar.can_manage(user_id):
        raise PermissionDenied("only a calendar's owners may subscribe to it")
