"""Webhook subscriptions and their delivery log as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from domain.webhooks.delivery import DeliveryAttempt
from domain.webhooks.ports import LoggedDelivery
from domain.webhooks.subscription import MAX_LISTED_EVENT_TYPES, MAX_URL_LENGTH, WebhookSubscription

EventTypeName = Annotated[str, msgspec.Meta(max_length=64, examples=["event.created"])]
ReceiverUrl = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_URL_LENGTH, examples=["https://hooks.example.com/planner"])
]


class WebhookCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Send these event types to `url`: of my events (default), of a calendar I own, or everything (admins)."""

    url: ReceiverUrl
    events: Annotated[
        list[EventTypeName],
        msgspec.Meta(max_length=MAX_LISTED_EVENT_TYPES, examples=[["event.created", "participant.responded"]]),
    ]
    calendar_id: UUID | None = None
    scope: Literal["my_events", "calendar", "everything"] | None = None


class Webhook(msgspec.Struct):
    """A subscription; `disabled_at` is set once it failed for 24 hours (nothing is sent after)."""

    id: UUID
    url: str
    events: list[str]
    scope: str
    calendar_id: UUID | None
    created_at: datetime
    failing_since: datetime | None
    disabled_at: datetime | None

    @classmethod
    def of(cls, subscription: WebhookSubscription) -> Webhook:
        return cls(
            id=subscription.id,
            url=subscription.url,
            events=[kind.value for kind in subscription.event_types],
            scope=subscription.scope.value,
            calendar_id=subscription.calendar_id,
            created_at=subscription.created_at,
            failing_since=subscription.failing_since,
            disabled_at=subscription.disabled_at,
        )


class NewWebhook(Webhook, kw_only=True):
    """A new subscription with its Standard Webhooks signing secret (`whsec_...`), shown this once."""

    secret: Annotated[str, msgspec.Meta(examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])]


class WebhookList(msgspec.Struct):
    items: list[Webhook]


class Attempt(msgspec.Struct):
    """One attempt: the receiver's status code (null when no answer came), latency, the answer's first bytes."""

    attempt: int
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    response: str
    error: str | None

    @classmethod
    def of(cls, attempt: DeliveryAttempt) -> Attempt:
        answer = attempt.answer
        return cls(
            attempt=attempt.attempt,
            attempted_at=attempt.attempted_at,
            status_code=answer.status_code,
            latency_ms=answer.latency_ms,
            response=answer.excerpt,
            error=answer.error,
        )


class Delivery(msgspec.Struct):
    """One message to the subscription: its `webhook_id` header, where it stands, and every attempt (newest first)."""

    id: UUID
    webhook_id: str
    event_type: str
    state: Literal["pending", "delivered", "failed"]
    attempt_count: int
    next_attempt_at: datetime | None
    created_at: datetime
    payload: str
    attempts: list[Attempt]

    @classmethod
    def of(cls, logged: LoggedDelivery) -> Delivery:
        delivery = logged.delivery
        return cls(
            id=delivery.id,
            webhook_id=delivery.message_id,
            event_type=delivery.event_type.value,
            state=delivery.status.value,
            attempt_count=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            created_at=delivery.created_at,
            payload=delivery.payload,
            attempts=[Attempt.of(attempt) for attempt in logged.attempts],
        )


class DeliveryList(msgspec.Struct):
    items: list[Delivery]


class DeliveryQueued(msgspec.Struct):
    """The delivery is due now; a worker sends it with the same webhook-id and body."""

    id: UUID
    webhook_id: str
