"""The retry schedule and when a subscription is disabled: pure rules, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.webhooks.delivery import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    DeliveryAnswer,
    DeliveryStatus,
    WebhookDelivery,
    next_attempt_delay,
    subscription_after,
)
from domain.webhooks.subscription import WebhookEventType, WebhookScope, WebhookSubscription

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FAILED = DeliveryAnswer(status_code=500, latency_ms=3)
DELIVERED = DeliveryAnswer(status_code=204, latency_ms=3)


def subscription(**fields: object) -> WebhookSubscription:
    values: dict[str, object] = {
        "id": uuid4(),
        "owner_id": uuid4(),
        "url": "https://hooks.example.com/x",
        "event_types": (WebhookEventType.EVENT_CREATED,),
        "scope": WebhookScope.MY_EVENTS,
        "calendar_id": None,
        "secret": "whsec_AAAA",
        "created_at": NOW,
    }
    return WebhookSubscription(**(values | fields))  # type: ignore[arg-type]


def delivery(**fields: object) -> WebhookDelivery:
    values: dict[str, object] = {
        "id": uuid4(),
        "subscription_id": uuid4(),
        "message_id": "msg_1",
        "event_type": WebhookEventType.EVENT_CREATED,
        "payload": "{}",
        "created_at": NOW,
        "next_attempt_at": NOW,
    }
    return WebhookDelivery(**(values | fields))  # type: ignore[arg-type]


def test_the_whole_schedule_spans_about_24_hours_and_starts_within_seconds() -> None:
    assert RETRY_DELAYS[0] == timedelta(seconds=5)
    assert timedelta(hours=23, minutes=59) < sum(RETRY_DELAYS, timedelta()) <= timedelta(hours=24, minutes=5)
    assert len(RETRY_DELAYS) + 1 == MAX_ATTEMPTS


@pytest.mark.parametrize("jitter", [0.0, 0.5, 0.999])
def test_jitter_only_ever_shortens_a_wait_by_up_to_a_quarter(jitter: float) -> None:
    for failed, planned in enumerate(RETRY_DELAYS, start=1):
        waited = next_attempt_delay(failed, lambda: jitter)
        assert waited is not None
        assert planned * 0.75 <= waited <= planned


def test_no_attempt_follows_the_last_one() -> None:
    assert next_attempt_delay(MAX_ATTEMPTS) is None


def test_a_failed_attempt_plans_the_next_and_a_delivered_one_ends_it() -> None:
    failed = delivery().after_attempt(FAILED, now=NOW, jitter=lambda: 0.0)
    assert failed.status is DeliveryStatus.PENDING
    assert failed.next_attempt_at == NOW + timedelta(seconds=5)
    done = failed.after_attempt(DELIVERED, now=NOW, jitter=lambda: 0.0)
    assert done.status is DeliveryStatus.DELIVERED
    assert done.attempts == 2
    assert done.next_attempt_at is None


def test_a_redirect_counts_as_a_failure() -> None:
    assert not DeliveryAnswer(status_code=302, latency_ms=1).succeeded


def test_the_last_failed_attempt_gives_the_delivery_up_and_disables_its_subscription() -> None:
    last = delivery(attempts=MAX_ATTEMPTS - 1).after_attempt(FAILED, now=NOW)
    assert last.status is DeliveryStatus.FAILED
    after = subscription_after(subscription(failing_since=NOW - timedelta(hours=2)), last, FAILED, now=NOW)
    assert after.disabled_at == NOW


def test_failing_for_24_hours_disables_and_a_success_before_ends_the_spell() -> None:
    pending = delivery().after_attempt(FAILED, now=NOW)
    long_failing = subscription(failing_since=NOW - timedelta(hours=24))
    assert subscription_after(long_failing, pending, FAILED, now=NOW).disabled_at == NOW
    recovered = subscription_after(long_failing, pending, DELIVERED, now=NOW)
    assert recovered.failing_since is None
    assert recovered.disabled_at is None
    first_failure = subscription_after(subscription(), pending, FAILED, now=NOW)
    assert first_failure.failing_since == NOW
    assert first_failure.disabled_at is None
