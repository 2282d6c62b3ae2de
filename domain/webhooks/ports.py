"""Ports of outgoing webhooks: where subscriptions and deliveries are kept, how a delivery is sent and queued."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.webhooks.delivery import DeliveryAttempt, WebhookDelivery
from domain.webhooks.subscription import WebhookEventType, WebhookSubscription


@dataclass(frozen=True, kw_only=True)
class ClaimedDelivery:
    """A delivery a sender holds (until its lease ends), with the subscription it goes to."""

    delivery: WebhookDelivery
    subscription: WebhookSubscription


@dataclass(frozen=True, kw_only=True)
class LoggedDelivery:
    """A delivery with its attempts, newest attempt first: one entry of a subscription's delivery log."""

    delivery: WebhookDelivery
    attempts: list[DeliveryAttempt]


@dataclass(frozen=True, kw_only=True)
class AttemptOutcome:
    """One attempt as it is to be stored: the delivery after it, its line in the log, the subscription after it."""

    delivery: WebhookDelivery
    attempt: DeliveryAttempt
    subscription: WebhookSubscription
    was_failing: bool = False
    """Whether the subscription was failing when the delivery was claimed (a success then ends the spell)."""

    @property
    def changes_subscription(self) -> bool:
        """Whether storing this outcome changes its subscription (most successes change nothing)."""
        return self.was_failing or not self.attempt.answer.succeeded


class WebhookStore(Protocol):
    """Subscriptions, deliveries and the delivery log; each method is one short transaction of its own."""

    async def add_subscription(self, subscription: WebhookSubscription) -> None: ...

    async def subscription(self, subscription_id: UUID) -> WebhookSubscription | None: ...

    async def subscriptions_of(self, owner_id: UUID) -> list[WebhookSubscription]:
        """The person's subscriptions, oldest first."""
        ...

    async def save_state(self, subscription: WebhookSubscription) -> None:
        """Store the subscription's `failing_since` and `disabled_at` as they are now."""
        ...

    async def remove_subscription(self, subscription_id: UUID) -> None:
        """Delete it with its deliveries and their log."""
        ...

    async def subscriptions_wanting(self, event_types: Sequence[WebhookEventType]) -> list[WebhookSubscription]:
        """The active subscriptions that want any of these event types."""
        ...

    async def plan(self, deliveries: Sequence[tuple[WebhookDelivery, str]]) -> list[UUID]:
        """Store (delivery, source key) pairs not stored before; answers the ids of every pair's pending delivery.

        A subscription gets one delivery per source key: planning the same fact again adds nothing.
        """
        ...

    async def claim(
        self, *, now: datetime, lease: timedelta, limit: int, ids: Sequence[UUID] | None = None
    ) -> list[ClaimedDelivery]:
        """Take up to `limit` pending deliveries due by `now` (of `ids` only, if given) to active subscriptions.

        Claiming moves their next attempt `lease` later, so another sender leaves them alone meanwhile
        (and a sender that died leaves them to be sent again when the lease ends).
        """
        ...

    async def record(self, outcomes: Sequence[AttemptOutcome]) -> set[UUID]:
        """Store, in one transaction, each delivery after its attempt, the attempts, and the subscriptions' state.

        A subscription's attempts are applied in order: a delivered one ends its failing spell, a failed
        one starts it if none is under way. Answers the subscriptions this call disabled (active before).
        """
        ...

    async def deliveries_of(self, subscription_id: UUID, *, limit: int) -> list[LoggedDelivery]:
        """The subscription's deliveries, newest first, each with its attempts."""
        ...

    async def delivery(self, subscription_id: UUID, delivery_id: UUID) -> WebhookDelivery | None: ...

    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        """Store a delivery's new status and next attempt (send again)."""
        ...

    async def prune(self, *, created_before: datetime, limit: int) -> int:
        """Delete up to `limit` deliveries (and their log) planned before that time; answers how many."""
        ...


@dataclass(frozen=True, kw_only=True)
class WebhookRequest:
    """One POST to a receiver, to be signed with the subscription's secret (Standard Webhooks)."""

    url: str
    message_id: str
    """The `webhook-id` header: the same on every attempt of a delivery."""
    timestamp: datetime
    """The `webhook-timestamp` header: when this attempt is made."""
    body: str
    secret: str


class WebhookSender(Protocol):
    """Signs and sends one POST to a receiver: never to a refused address, no redirects, a time limit."""

    async def send(self, request: WebhookRequest) -> tuple[int | None, bytes, str | None]:
        """Answers (status code or None, the first bytes of the body, why no answer came)."""
        ...


class ReceiverAddresses(Protocol):
    """Decides which receivers' addresses planner may send to (SSRF: no private networks unless allowed)."""

    async def check(self, url: str) -> None:
        """Raise InvalidInput('url', ...) if the URL's host resolves to an address planner must not reach."""
        ...


class WebhookQueue(Protocol):
    """Asks the workers to send deliveries."""

    async def send_now(self, delivery_ids: Sequence[UUID]) -> None:
        """Send these deliveries as soon as a worker is free."""
        ...

    async def send_at(self, delivery_id: UUID, when: datetime) -> None:
        """Send this delivery at `when` (its next attempt)."""
        ...
