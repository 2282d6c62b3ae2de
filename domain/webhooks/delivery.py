"""A webhook delivery: one message to one subscription, tried until the receiver takes it or the schedule ends.

The retry schedule (Standard Webhooks recommends one like it): after a failed attempt the next one
comes RETRY_DELAYS[n] later, each delay shortened by up to a quarter at random (jitter, so that
receivers coming back up are not hit by every sender at once). Twelve attempts in all, the last
about 24 hours after the first. A delivery keeps its `webhook-id` across attempts, so receivers dedupe.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from domain.errors import Conflict
from domain.webhooks.subscription import WebhookEventType, WebhookSubscription

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
    timedelta(hours=8, minutes=10),
)
"""The wait after the 1st, 2nd, ... failed attempt; they add up to 24 hours."""
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
FAILING_TOO_LONG = timedelta(hours=24)
"""A subscription whose deliveries have failed this long (none delivered meanwhile) is disabled."""
JITTER = 0.25
"""Each delay is shortened by a random fraction up to this."""
DELIVERY_LOG_KEPT_FOR = timedelta(days=14)
ANSWER_EXCERPT_BYTES = 512
"""How much of a receiver's answer the delivery log keeps."""

Jitter = Callable[[], float]
"""A number in [0, 1): how much of JITTER to take off one delay (tests pass a fixed one)."""


def next_attempt_delay(failed_attempts: int, jitter: Jitter = random.random) -> timedelta | None:
    """The wait before the next attempt after `failed_attempts` failed ones; None once the schedule is used up."""
    if failed_attempts < 1 or failed_attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[failed_attempts - 1] * (1 - JITTER * jitter())


class DeliveryStatus(enum.StrEnum):
    """PENDING: an attempt is due at `next_attempt_at`; DELIVERED: a 2xx came back; FAILED: the schedule ran out."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class WebhookDelivery:
    """One message to one subscription; `message_id` is the `webhook-id` header (msg_...), the same on every attempt."""

    id: UUID
    subscription_id: UUID
    message_id: str
    event_type: WebhookEventType
    payload: str
    """The JSON body, fixed when the delivery is planned: every attempt sends the same bytes."""
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None

    def after_attempt(
        self, answer: DeliveryAnswer, *, now: datetime, jitter: Jitter = random.random
    ) -> WebhookDelivery:
        """This delivery after one more attempt that got `answer`."""
        attempts = self.attempts + 1
        if answer.succeeded:
            return replace(self, attempts=attempts, status=DeliveryStatus.DELIVERED, next_attempt_at=None)
        delay = next_attempt_delay(attempts, jitter)
        if delay is None:
            return replace(self, attempts=attempts, status=DeliveryStatus.FAILED, next_attempt_at=None)
        return replace(self, attempts=attempts, status=DeliveryStatus.PENDING, next_attempt_at=now + delay)

    def sent_again(self, now: datetime) -> WebhookDelivery:
        """This delivery with one more attempt due now ("send again"), whatever became of it."""
        return replace(self, status=DeliveryStatus.PENDING, next_attempt_at=now)


@dataclass(frozen=True, kw_only=True)
class DeliveryAnswer:
    """What one attempt got: a status code (None when no answer came) and how long it took."""

    status_code: int | None
    latency_ms: int
    excerpt: str = ""
    """The first ANSWER_EXCERPT_BYTES of the answer's body, decoded leniently."""
    error: str | None = None
    """Why no answer came (timeout, refused address, connection refused)."""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, kw_only=True)
class DeliveryAttempt:
    """One line of a subscription's delivery log."""

    delivery_id: UUID
    attempt: int
    attempted_at: datetime
    answer: DeliveryAnswer


def subscription_after(
    subscription: WebhookSubscription, delivery: WebhookDelivery, answer: DeliveryAnswer, *, now: datetime
) -> WebhookSubscription:
    """The subscription after one attempt of `delivery` (as it stands after it) got `answer`.

    A delivered attempt ends its failing spell; a failed one starts or extends it, and the subscription
    is disabled once it has failed FAILING_TOO_LONG or a delivery used up its whole schedule.
    """
    if answer.succeeded:
        return replace(subscription, failing_since=None)
    failing_since = subscription.failing_since or now
    if delivery.status is DeliveryStatus.FAILED or now - failing_since >= FAILING_TOO_LONG:
        return replace(subscription, failing_since=failing_since, disabled_at=subscription.disabled_at or now)
    return replace(subscription, failing_since=failing_since)


class SubscriptionDisabled(Conflict):
    """Nothing is sent to a disabled subscription, not even a delivery sent again."""

    code = "webhook_disabled"
    title = "Webhook subscription disabled"

    def __init__(self) -> None:
        super().__init__("this subscription was disabled after failing for 24 hours; subscribe the URL again")
