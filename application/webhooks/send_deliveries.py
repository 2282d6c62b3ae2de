"""Sending deliveries: claim the due ones, POST each once, log the answer, plan the retry or give up.

A failed attempt is tried again on the schedule of domain/webhooks/delivery.py (the queue is asked
to run it then, and the minute's sweep sends whatever came due without a job). A subscription that
has failed for 24 hours is disabled and its owner told, once.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.google_sync.ports import TellOwner
from domain.clock import Clock
from domain.notifications.notification import NotificationDraft, NotificationType
from domain.webhooks.delivery import (
    DELIVERY_LOG_KEPT_FOR,
    DeliveryAnswer,
    DeliveryAttempt,
    DeliveryStatus,
    Jitter,
    subscription_after,
)
from domain.webhooks.ports import (
    AttemptOutcome,
    ClaimedDelivery,
    WebhookQueue,
    WebhookRequest,
    WebhookSender,
    WebhookStore,
)
from domain.webhooks.subscription import WebhookSubscription

LEASE = timedelta(seconds=30)
"""A claimed delivery is left alone this long: well over what one attempt may take (10 s) and its recording."""
BATCH = 50
"""Deliveries claimed at a time, their attempts side by side (a batch takes about as long as its slowest receiver).
Not more: httpx's connection pool looks at every connection it holds for each request, so a batch of 200
spent most of a worker's CPU there (py-spy: 70% of the samples in httpcore's pool at 200, a burst twice as slow)."""
SWEEPING_FOR_AT_MOST = timedelta(seconds=30)
"""The minute's sweep claims no new batch after this long (its job's timeout is 55 s)."""
PRUNE_BATCH = 10_000
SENDING_FOR_AT_MOST = timedelta(seconds=20)
"""A job sending what is due claims no new batch after this long (its job's timeout is 60 s); if the last
batch was full, it asks for another job to go on."""


@dataclass(frozen=True)
class DeliveryPorts:
    """What sending needs: the store, the HTTP sender, the queue for retries, the clock, a way to tell owners."""

    store: WebhookStore
    sender: WebhookSender
    queue: WebhookQueue
    clock: Clock
    tell_owner: TellOwner
    jitter: Jitter = random.random


@dataclass(frozen=True)
class SendRun:
    """What one run did: attempts made, of which delivered, and subscriptions it disabled."""

    attempted: int = 0
    delivered: int = 0
    disabled: int = 0
    more_due: bool = False
    """It stopped (time or batches up) after a full batch: more may be due."""


async def send_deliveries(delivery_ids: Sequence[UUID], *, ports: DeliveryPorts) -> SendRun:
    """Make one attempt of each of these deliveries that is due (others are being sent, or done)."""
    claimed = await ports.store.claim(now=ports.clock.now(), lease=LEASE, limit=len(delivery_ids), ids=delivery_ids)
    return await _attempt_all(claimed, ports)


async def send_due_deliveries(
    *,
    ports: DeliveryPorts,
    max_batches: int = 1_000,
    stop_after: timedelta | None = SWEEPING_FOR_AT_MOST,
    on_backlog: Callable[[], Awaitable[None]] | None = None,
) -> SendRun:
    """Make one attempt of every delivery due by now, BATCH at a time, until none is left (or `max_batches`, or
    no new batch after `stop_after`): new ones of every change committed so far, retries whose job was lost.

    `on_backlog` is called once, when the first batch comes back full, before it is sent: to ask other
    workers to claim batches beside this one (SKIP LOCKED keeps each delivery to one of them).
    """
    total = SendRun()
    began = time.monotonic()
    for batch in range(max_batches):
        claimed = await ports.store.claim(now=ports.clock.now(), lease=LEASE, limit=BATCH)
        full = len(claimed) == BATCH
        if full and batch == 0 and on_backlog is not None:
            await on_backlog()
        run = await _attempt_all(claimed, ports)
        total = SendRun(
            total.attempted + run.attempted, total.delivered + run.delivered, total.disabled + run.disabled, full
        )
        if not full or (stop_after is not None and time.monotonic() - began >= stop_after.total_seconds()):
            break
    return total


async def send_due_now(*, ports: DeliveryPorts) -> SendRun:
    """The job `WebhookQueue.send_now` queues: every delivery due, in batches (a burst of changes goes out in a
    few big batches, whichever change's job runs first). With more than a batch due it asks for a job to share
    them at once (a worker free takes it), and for another if it stopped with more still due."""

    async def share_out() -> None:
        await ports.queue.send_now([])

    run = await send_due_deliveries(ports=ports, stop_after=SENDING_FOR_AT_MOST, on_backlog=share_out)
    if run.more_due:
        await ports.queue.send_now([])
    return run


async def prune_delivery_log(*, store: WebhookStore, clock: Clock) -> int:
    """Forget deliveries (and their attempts) planned more than 14 days ago; answers how many went."""
    return await store.prune(created_before=clock.now() - DELIVERY_LOG_KEPT_FOR, limit=PRUNE_BATCH)


async def _attempt_all(claimed: Sequence[ClaimedDelivery], ports: DeliveryPorts) -> SendRun:
    """Send every claimed delivery side by side, then store all their outcomes in one transaction."""
    outcomes = await asyncio.gather(*(_attempt(one, ports) for one in claimed))
    disabled = await ports.store.record(outcomes)
    for outcome in outcomes:
        delivery = outcome.delivery
        retry_due = delivery.status is DeliveryStatus.PENDING and delivery.next_attempt_at is not None
        if retry_due and outcome.subscription.id not in disabled and delivery.next_attempt_at is not None:
            await ports.queue.send_at(delivery.id, delivery.next_attempt_at)
    for subscription in {outcome.subscription.id: outcome.subscription for outcome in outcomes}.values():
        if subscription.id in disabled:
            await ports.tell_owner(_disabled_notice(subscription))
    return SendRun(
        attempted=len(outcomes),
        delivered=sum(outcome.attempt.answer.succeeded for outcome in outcomes),
        disabled=len(disabled),
    )


async def _attempt(claimed: ClaimedDelivery, ports: DeliveryPorts) -> AttemptOutcome:
    delivery, subscription = claimed.delivery, claimed.subscription
    now = ports.clock.now()
    started = time.perf_counter()
    status_code, body, error = await ports.sender.send(
        WebhookRequest(
            url=subscription.url,
            message_id=delivery.message_id,
            timestamp=now,
            body=delivery.payload,
            secret=subscription.secret,
        )
    )
    answer = DeliveryAnswer(
        status_code=status_code,
        latency_ms=round((time.perf_counter() - started) * 1000),
        excerpt=body.decode("utf-8", errors="replace"),
        error=error,
    )
    after = delivery.after_attempt(answer, now=now, jitter=ports.jitter)
    return AttemptOutcome(
        delivery=after,
        attempt=DeliveryAttempt(delivery_id=delivery.id, attempt=after.attempts, attempted_at=now, answer=answer),
        subscription=subscription_after(subscription, after, answer, now=now),
        was_failing=subscription.failing_since is not None,
    )


def _disabled_notice(subscription: WebhookSubscription) -> NotificationDraft:
    return NotificationDraft(
        user_id=subscription.owner_id,
        type=NotificationType.WEBHOOK_DISABLED,
        title="Webhook disabled",
        message=f"Deliveries to {subscription.url} failed for 24 hours, so planner stopped sending them. "
        "Fix the receiver, then subscribe it again.",
        event_id=None,
        dedupe_key=f"webhook_disabled:{subscription.id}",  # a subscription is disabled once: it never comes back
    )
