"""A worker killed (SIGKILL) in the middle of sending webhooks: every delivery still arrives, only ever under its id."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from application.webhooks.send_deliveries import BATCH
from entrypoints.settings import Settings
from tests.e2e.delivery import all_processed, in_process_worker, kill_hard, rows, worker_process
from tests.e2e.people import at, sign_up
from tests.support.waiting import wait_for
from tests.support.webhook_receiver import WebhookReceiver, webhook_receiver

pytestmark = pytest.mark.slow

CHANGES = 10
SUBSCRIPTIONS = 3
ANSWER_AFTER_S = 2.0
"""Each POST is in the receiver, unanswered, this long: the worker is killed with attempts in flight."""


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    def slowly(_path: str, _earlier: int) -> int:
        time.sleep(ANSWER_AFTER_S)  # the receiver's own thread
        return 200

    with webhook_receiver(slowly) as running:
        yield running


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, webhook_allow_private=True)


async def test_a_worker_killed_while_sending_loses_no_delivery_and_repeats_one_only_under_its_webhook_id(
    client: AsyncTestClient[Litestar],
    settings: Settings,
    engine: AsyncEngine,
    receiver: WebhookReceiver,
    tmp_path: Path,
) -> None:
    ada = await sign_up(client, "ada")
    for n in range(SUBSCRIPTIONS):
        made = await ada.post("/api/webhooks", json={"url": f"{receiver.url}/{n}", "events": ["event.created"]})
        assert made.status_code == 201, made.text
    for n in range(CHANGES):
        event = {"title": f"Change {n}", "starts_at": at(8, n), "ends_at": at(9, n)}
        created = await ada.post("/api/events", json=event)
        assert created.status_code == 201, created.text

    with worker_process(settings, tmp_path / "killed-worker.log") as doomed:
        await wait_for(lambda: _received(receiver, 5), timeout=60, what="the worker to be sending deliveries")
        kill_hard(doomed)
    assert len(receiver.received) < CHANGES * SUBSCRIPTIONS, "every delivery went out before the kill: nothing tested"

    async with in_process_worker(settings):

        async def all_delivered() -> bool:
            (left,) = await rows(engine, "SELECT count(*) AS n FROM webhook_deliveries WHERE status <> 'delivered'")
            return left.n == 0 and await all_processed(engine)

        # The killed worker's claims are leased for 30 s; then the retried job or the minute's sweep sends them.
        await wait_for(all_delivered, timeout=30 + 60 + 60, what="every delivery to be delivered")

    planned = await rows(engine, "SELECT message_id FROM webhook_deliveries")
    assert len(planned) == CHANGES * SUBSCRIPTIONS
    got = [request.headers["webhook-id"] for request in receiver.received]
    assert set(got) == {row.message_id for row in planned}, "a delivery was lost, or sent under another id"
    # Only what was in flight when the worker died can arrive twice, and then under its own webhook-id.
    assert len(got) - len(planned) <= BATCH


async def _received(receiver: WebhookReceiver, count: int) -> bool:
    return len(receiver.received) >= count
