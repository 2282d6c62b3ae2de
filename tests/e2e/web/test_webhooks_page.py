"""The webhooks page: subscribe (the secret shown once), the list, the delivery log with Send again, delete."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from adapters.postgres.webhooks import PostgresWebhookStore
from domain.identity import new_id
from domain.webhooks.delivery import WebhookDelivery
from domain.webhooks.subscription import WebhookEventType
from entrypoints.settings import Settings
from tests.e2e.web.conftest import Visitors

RECEIVER = "http://127.0.0.1:9/hooks"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Receivers on this machine are allowed, as an operator testing locally would."""
    return replace(settings, webhook_allow_private=True)


async def test_subscribing_shows_the_secret_once_and_lists_the_subscription(person: Visitors) -> None:
    ada, _ = await person("ada")

    answer = await ada.submit("/webhooks", "/webhooks", {"url": RECEIVER, "events": ["event.created", "room.booked"]})

    assert answer.status_code == 201, answer.text
    secret = re.search(r'value="(whsec_[A-Za-z0-9+/=]+)"', answer.text)
    assert secret is not None
    listed = (await ada.open("/webhooks")).text
    assert RECEIVER in listed
    assert "event.created, room.booked" in listed
    assert secret.group(1) not in listed
    assert 'href="/webhooks"' in (await ada.open("/")).text


async def test_a_refused_url_is_explained_next_to_the_field_and_kept(person: Visitors) -> None:
    ada, _ = await person("ada")

    answer = await ada.submit("/webhooks", "/webhooks", {"url": "ftp://example.com/x", "events": ["event.created"]})

    assert answer.status_code == 422
    assert 'id="url-error"' in answer.text
    assert 'value="ftp://example.com/x"' in answer.text


async def test_the_delivery_log_sends_again_and_the_subscription_can_be_deleted(
    person: Visitors, engine: AsyncEngine
) -> None:
    ada, _ = await person("ada")
    made = await ada.api("POST", "/api/webhooks", {"url": RECEIVER, "events": ["event.created"]})
    assert made.status_code == 201, made.text
    subscription_id = made.json()["id"]
    now = datetime.now(UTC)
    planned = WebhookDelivery(
        id=new_id(now),
        subscription_id=UUID(subscription_id),
        message_id="msg_page",
        event_type=WebhookEventType.EVENT_CREATED,
        payload="{}",
        created_at=now,
        next_attempt_at=now,
    )
    [delivery_id] = await PostgresWebhookStore(async_sessionmaker(engine)).plan([(planned, "page")])

    log = (await ada.open(f"/webhooks/{subscription_id}")).text
    assert "msg_page" in log
    action = f"/webhooks/{subscription_id}/deliveries/{delivery_id}/retry"
    assert f'action="{action}"' in log
    again = await ada.submit(f"/webhooks/{subscription_id}", action, {})
    assert again.status_code == 303
    deleted = await ada.submit("/webhooks", f"/webhooks/{subscription_id}/delete", {})
    assert deleted.status_code == 303
    assert RECEIVER not in (await ada.open("/webhooks")).text
    assert (await ada.open(f"/webhooks/{subscription_id}")).status_code == 404


async def test_someone_elses_delivery_log_is_not_found(person: Visitors) -> None:
    ada, _ = await person("ada")
    bob, _ = await person("bob")
    made = await ada.api("POST", "/api/webhooks", {"url": RECEIVER, "events": ["event.created"]})

    assert (await bob.open(f"/webhooks/{made.json()['id']}")).status_code == 404


async def test_a_disabled_subscription_is_enabled_again_from_the_page_and_the_api(
    person: Visitors, engine: AsyncEngine
) -> None:
    ada, _ = await person("ada")
    bob, _ = await person("bob")
    made = await ada.api("POST", "/api/webhooks", {"url": RECEIVER, "events": ["event.created"]})
    subscription_id = UUID(made.json()["id"])
    store = PostgresWebhookStore(async_sessionmaker(engine))

    async def disable() -> None:
        subscription = await store.subscription(subscription_id)
        assert subscription is not None
        await store.save_state(
            replace(subscription, failing_since=datetime(2026, 1, 1, tzinfo=UTC)).disabled(
                datetime(2026, 1, 2, tzinfo=UTC)
            )
        )

    await disable()
    listed = (await ada.open("/webhooks")).text
    action = f"/webhooks/{subscription_id}/enable"
    assert f'action="{action}"' in listed
    assert (await ada.submit("/webhooks", action, {})).status_code == 303
    enabled = await store.subscription(subscription_id)
    assert enabled is not None
    assert (enabled.disabled_at, enabled.failing_since) == (None, None)
    assert f'action="{action}"' not in (await ada.open("/webhooks")).text

    await disable()
    assert (await bob.api("POST", f"/api/webhooks/{subscription_id}/enable")).status_code == 404
    answer = await ada.api("POST", f"/api/webhooks/{subscription_id}/enable")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["disabled_at"], answer.json()["failing_since"]) == (None, None)
