"""Sending what is due: one job for a burst of changes (SAQ keys on the real Redis), claiming every due delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from saq.job import Status
from saq.queue.redis import RedisQueue

from adapters.saq.queue import create_queue
from adapters.saq.webhooks import NOW_SLOTS, SaqWebhookQueue
from application.webhooks import send_deliveries as sending
from application.webhooks.send_deliveries import send_due_now
from domain.webhooks.delivery import DeliveryStatus
from entrypoints.settings import Settings
from tests.integration.webhooks.conftest import Webhooks
from tests.support.webhook_receiver import webhook_receiver


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[RedisQueue]:
    """The SAQ queue on the emptied test Redis (no worker takes its jobs)."""
    queue = create_queue(settings.redis.url or "")
    yield queue
    await queue.disconnect()


async def _start_next(queue: RedisQueue) -> None:
    """What a worker does before a job's function runs: take it off the queue and mark it active."""
    job = await queue.dequeue(timeout=1)
    assert job is not None
    await job.update(status=Status.ACTIVE)


async def test_a_burst_of_changes_queues_one_job_while_it_waits(queue: RedisQueue) -> None:
    hooks = SaqWebhookQueue(queue)
    for _ in range(5):
        await hooks.send_now([])

    assert await queue.count("queued") == 1
    assert await queue.job("webhooks:now:0") is not None


async def test_a_job_already_running_may_have_claimed_before_so_another_is_queued(queue: RedisQueue) -> None:
    hooks = SaqWebhookQueue(queue)
    await hooks.send_now([])
    await _start_next(queue)

    await hooks.send_now([])
    await hooks.send_now([])

    waiting = await queue.job("webhooks:now:1")
    assert waiting is not None
    assert waiting.status == Status.QUEUED
    assert await queue.count("queued") == 1


async def test_with_every_slot_running_a_job_without_a_key_is_queued(queue: RedisQueue) -> None:
    hooks = SaqWebhookQueue(queue)
    for _ in range(NOW_SLOTS):
        await hooks.send_now([])
        await _start_next(queue)

    await hooks.send_now([])
    await hooks.send_now([])

    assert await queue.count("queued") == 2
    assert await queue.count("active") == NOW_SLOTS


async def test_a_now_job_sends_every_due_delivery_of_every_change(hooks: Webhooks) -> None:
    alice = await hooks.office.person()
    with webhook_receiver() as receiver:
        for n in range(3):
            await hooks.subscribe(alice, f"{receiver.url}/{n}", ["event.created"])
        for n in range(4):
            await hooks.office.event(alice, title=f"Change {n}")
        await hooks.act_on_outbox()

        run = await send_due_now(ports=hooks.ports)

        assert (run.attempted, run.delivered, run.more_due) == (12, 12, False)
        assert sum(len(receiver.on(f"/{n}")) for n in range(3)) == 12
        # The jobs the other changes asked for find nothing left to send.
        assert (await send_due_now(ports=hooks.ports)).attempted == 0


async def test_a_now_job_out_of_time_with_more_due_asks_for_another(
    hooks: Webhooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sending, "BATCH", 2)
    monkeypatch.setattr(sending, "SENDING_FOR_AT_MOST", sending.timedelta(0))
    alice = await hooks.office.person()
    with webhook_receiver() as receiver:
        subscription = await hooks.subscribe(alice, f"{receiver.url}/hook", ["event.created"])
        for n in range(3):
            await hooks.office.event(alice, title=f"Change {n}")
        await hooks.act_on_outbox()
        hooks.queue.take_now()
        asked = hooks.queue.asked_now

        run = await send_due_now(ports=hooks.ports)

        assert (run.attempted, run.more_due) == (2, True)
        # Once to share the backlog with another worker when the first batch came back full, once to go on.
        assert hooks.queue.asked_now == asked + 2
        logged = await hooks.store.deliveries_of(subscription.id, limit=10)
        assert sorted(d.delivery.status for d in logged) == sorted(
            [DeliveryStatus.DELIVERED, DeliveryStatus.DELIVERED, DeliveryStatus.PENDING]
        )
