"""Deliveries over real HTTP: signed so standardwebhooks verifies them, retried on schedule, given up after 24 hours."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook

from application.webhooks.deliveries import list_deliveries, send_again
from application.webhooks.send_deliveries import prune_delivery_log, send_deliveries, send_due_deliveries
from application.webhooks.subscriptions import enable_webhook
from domain.errors import InvalidInput, NotFound
from domain.webhooks.delivery import MAX_ATTEMPTS, DeliveryStatus
from tests.integration.webhooks.conftest import Webhooks
from tests.support.webhook_receiver import closed_port_url, webhook_receiver


async def test_a_new_event_reaches_the_receiver_signed_so_standardwebhooks_verifies_it(hooks: Webhooks) -> None:
    alice = await hooks.office.person()
    with webhook_receiver() as receiver:
        subscription = await hooks.subscribe(alice, receiver.url + "/hook", ["event.created"])
        event = await hooks.office.event(alice, title="Launch")
        await hooks.act_on_outbox()
        run = await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)

        assert run.delivered == 1
        [got] = receiver.on("/hook")
        message = await asyncio.to_thread(Webhook(subscription.secret).verify, got.body, got.headers)
        assert message["type"] == "event.created"
        assert message["data"]["event_id"] == str(event.id)
        assert message["data"]["title"] == "Launch"
        assert got.headers["webhook-id"].startswith("msg_")


async def test_someone_elses_event_does_not_reach_my_events_subscription(hooks: Webhooks) -> None:
    alice, bob = await hooks.office.person(), await hooks.office.person()
    with webhook_receiver() as receiver:
        await hooks.subscribe(alice, receiver.url + "/alice", ["event.created"])
        await hooks.office.event(bob, title="Bob's own")
        await hooks.act_on_outbox()
        await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)

        assert receiver.on("/alice") == []


async def test_a_receiver_failing_three_times_gets_the_message_once_after_four_logged_attempts(hooks: Webhooks) -> None:
    alice = await hooks.office.person()
    with webhook_receiver(lambda _path, earlier: 500 if earlier < 3 else 200) as receiver:
        subscription = await hooks.subscribe(alice, receiver.url + "/flaky", ["event.created"])
        await hooks.office.event(alice)
        await hooks.act_on_outbox()
        await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)
        for _ in range(3):
            _, when = hooks.queue.later[-1]
            hooks.clock.advance(when - hooks.clock.now())
            await send_due_deliveries(ports=hooks.ports)

        got = receiver.on("/flaky")
        assert len(got) == 4
        assert len({request.headers["webhook-id"] for request in got}) == 1
        [logged] = await list_deliveries(alice.id, subscription.id, store=hooks.store)
        assert logged.delivery.status is DeliveryStatus.DELIVERED
        assert [(a.attempt, a.answer.status_code) for a in logged.attempts] == [(4, 200), (3, 500), (2, 500), (1, 500)]
        assert logged.attempts[0].answer.excerpt == "ok"
        assert all(a.answer.latency_ms is not None and a.answer.latency_ms >= 0 for a in logged.attempts)


async def test_a_receiver_down_for_the_whole_schedule_is_disabled_and_its_owner_told(hooks: Webhooks) -> None:
    alice = await hooks.office.person()
    subscription = await hooks.subscribe(alice, closed_port_url() + "/down", ["event.created"])
    await hooks.office.event(alice)
    await hooks.act_on_outbox()
    await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)
    started = hooks.clock.now()
    while (pending := await hooks.store.deliveries_of(subscription.id, limit=1))[0].delivery.next_attempt_at:
        hooks.clock.advance(pending[0].delivery.next_attempt_at - hooks.clock.now())
        await send_due_deliveries(ports=hooks.ports)

    [logged] = await hooks.store.deliveries_of(subscription.id, limit=10)
    assert logged.delivery.status is DeliveryStatus.FAILED
    assert len(logged.attempts) == MAX_ATTEMPTS
    assert 23 * 3600 < (hooks.clock.now() - started).total_seconds() <= 24.1 * 3600
    stored = await hooks.store.subscription(subscription.id)
    assert stored is not None
    assert stored.disabled_at is not None
    told = await hooks.office.rows("SELECT type, message FROM notifications WHERE user_id = :id", id=alice.id)
    assert [row.type for row in told] == ["webhook_disabled"]
    # Nothing more goes to it: not a new event's delivery, not one sent again.
    await hooks.office.event(alice, title="After")
    await hooks.act_on_outbox()
    assert hooks.queue.take_now() == []
    with pytest.raises(Exception, match="disabled"):
        await send_again(
            alice.id, subscription.id, logged.delivery.id, store=hooks.store, queue=hooks.queue, clock=hooks.clock
        )


async def test_a_disabled_subscription_enabled_again_gets_new_deliveries_and_a_fresh_failure_window(
    hooks: Webhooks,
) -> None:
    alice = await hooks.office.person()
    with webhook_receiver(lambda _path, earlier: 500 if earlier < 1 else 200) as receiver:
        subscription = await hooks.subscribe(alice, receiver.url + "/back", ["event.created"])
        await hooks.office.event(alice, title="Before")
        await hooks.act_on_outbox()
        await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)  # fails once: failing_since set
        failing = await hooks.store.subscription(subscription.id)
        assert failing is not None
        assert failing.failing_since is not None
        await hooks.store.save_state(failing.disabled(hooks.clock.now()))

        enabled = await enable_webhook(alice.id, subscription.id, store=hooks.store)
        await hooks.office.event(alice, title="After")
        await hooks.act_on_outbox()
        run = await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)

        assert (enabled.disabled_at, enabled.failing_since) == (None, None)
        assert run.delivered == 1
        assert [json.loads(got.body)["data"]["title"] for got in receiver.on("/back")][-1] == "After"
        with pytest.raises(NotFound):
            await enable_webhook(uuid4(), subscription.id, store=hooks.store)


async def test_sending_again_repeats_the_same_message_with_one_more_logged_attempt(hooks: Webhooks) -> None:
    alice = await hooks.office.person()
    with webhook_receiver() as receiver:
        subscription = await hooks.subscribe(alice, receiver.url + "/again", ["event.created"])
        await hooks.office.event(alice)
        await hooks.act_on_outbox()
        await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)
        [logged] = await list_deliveries(alice.id, subscription.id, store=hooks.store)

        await send_again(
            alice.id, subscription.id, logged.delivery.id, store=hooks.store, queue=hooks.queue, clock=hooks.clock
        )
        await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)

        first, second = receiver.on("/again")
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        assert first.body == second.body
        [logged] = await list_deliveries(alice.id, subscription.id, store=hooks.store)
        assert [attempt.attempt for attempt in logged.attempts] == [2, 1]


async def test_a_subscription_to_loopback_is_refused_without_webhook_allow_private(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    guarded = Webhooks(sessions, allow_private=False)
    alice = await guarded.office.person()
    with webhook_receiver() as receiver:
        for url in (receiver.url + "/ssrf", "http://localhost:9/x", "http://[::1]/x", "http://169.254.169.254/x"):
            with pytest.raises(InvalidInput) as refused:
                await guarded.subscribe(alice, url, ["event.created"])
            assert refused.value.field == "url"
        assert receiver.received == []
    await guarded.close()


async def test_a_delivery_to_an_address_refused_since_subscribing_is_not_sent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    permissive = Webhooks(sessions, allow_private=True)
    strict = Webhooks(sessions, allow_private=False)
    alice = await permissive.office.person()
    with webhook_receiver() as receiver:
        subscription = await permissive.subscribe(alice, receiver.url + "/later", ["event.created"])
        await permissive.office.event(alice)
        await permissive.act_on_outbox()
        await send_deliveries(permissive.queue.take_now(), ports=strict.ports)

        assert receiver.received == []
        [logged] = await list_deliveries(alice.id, subscription.id, store=strict.store)
        assert logged.attempts[0].answer.status_code is None
        assert "non-public address" in (logged.attempts[0].answer.error or "")
    await permissive.close()
    await strict.close()


async def test_the_delivery_log_keeps_fourteen_days(hooks: Webhooks) -> None:
    alice = await hooks.office.person()
    with webhook_receiver() as receiver:
        subscription = await hooks.subscribe(alice, receiver.url + "/log", ["event.created"])
        await hooks.office.event(alice, title="Old")
        await hooks.act_on_outbox()
        await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)
        hooks.clock.advance(timedelta(days=13))
        await hooks.office.event(alice, title="Recent")
        await hooks.act_on_outbox()
        await send_deliveries(hooks.queue.take_now(), ports=hooks.ports)
        hooks.clock.advance(timedelta(days=1, minutes=1))

        assert await prune_delivery_log(store=hooks.store, clock=hooks.clock) == 1

        [kept] = await list_deliveries(alice.id, subscription.id, store=hooks.store)
        assert json.loads(kept.delivery.payload)["data"]["title"] == "Recent"
        assert len(kept.attempts) == 1
