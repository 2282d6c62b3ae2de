"""A webhook subscription: where to send which of planner's events, and whose events those are."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.errors import InvalidInput

MAX_URL_LENGTH = 2048
MAX_SUBSCRIPTIONS_PER_PERSON = 25
MAX_LISTED_EVENT_TYPES = 16
"""How many event types one subscription may name (repeats included: they are dropped)."""


class WebhookEventType(enum.StrEnum):
    """What a receiver may subscribe to; the `type` of each delivered message."""

    EVENT_CREATED = "event.created"
    EVENT_UPDATED = "event.updated"
    EVENT_CANCELLED = "event.cancelled"
    PARTICIPANT_RESPONDED = "participant.responded"
    ROOM_BOOKED = "room.booked"
    ROOM_RELEASED = "room.released"
    NOTIFICATION_CREATED = "notification.created"


class WebhookScope(enum.StrEnum):
    """Whose events a subscription hears of: the owner's, one calendar's, or everyone's (admins only)."""

    MY_EVENTS = "my_events"
    CALENDAR = "calendar"
    EVERYTHING = "everything"


def webhook_event_types(values: list[str]) -> tuple[WebhookEventType, ...]:
    """The event types named, in the order given and without repeats; 422 for an unknown one or none."""
    if not values:
        raise InvalidInput("events", "name at least one event type, e.g. event.created")
    if len(values) > MAX_LISTED_EVENT_TYPES:
        raise InvalidInput("events", f"name at most {MAX_LISTED_EVENT_TYPES} event types")
    known = {kind.value: kind for kind in WebhookEventType}
    unknown = [value for value in values if value not in known]
    if unknown:
        raise InvalidInput(
            "events", f"unknown event type {unknown[0]!r}; one of: {', '.join(kind.value for kind in WebhookEventType)}"
        )
    return tuple(dict.fromkeys(known[value] for value in values))


@dataclass(frozen=True, kw_only=True)
class WebhookSubscription:
    """A receiver's URL, the event types it wants, and its scope; `secret` is the Standard Webhooks `whsec_...`.

    `failing_since` is the first failed attempt since the last delivered one; `disabled_at` is set
    when it has failed for the whole retry schedule (domain/webhooks/delivery.py), and nothing is sent after.
    """

    id: UUID
    owner_id: UUID
    url: str
    event_types: tuple[WebhookEventType, ...]
    scope: WebhookScope
    calendar_id: UUID | None
    secret: str
    created_at: datetime
    failing_since: datetime | None = None
    disabled_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def wants(self, event_type: WebhookEventType) -> bool:
        """Whether messages of this type go to this subscription."""
        return self.is_active and event_type in self.event_types

    def disabled(self, at: datetime) -> WebhookSubscription:
        """This subscription, switched off at `at`."""
        return replace(self, disabled_at=at)

    def enabled(self) -> WebhookSubscription:
        """This subscription switched on again, with a fresh failure window (its 24 hours start anew)."""
        return replace(self, disabled_at=None, failing_since=None)
