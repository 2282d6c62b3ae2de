"""Behind PgBouncer in transaction mode (DATABASE_URL the pooler, DATABASE_DIRECT_URL PostgreSQL itself).

These run when the suite goes through a pooler, as CI's second pass does (.ci/run starts PgBouncer):
concurrent clients share server connections without their prepared statements colliding, and the
outbox relay, LISTENing on the direct connection, is woken by a commit made through the pooler.
"""

from __future__ import annotations

import asyncio
import contextlib
from uuid import uuid4

import pytest
from sqlalchemy import text

from adapters.postgres.outbox.relay import OutboxRelay
from adapters.postgres.outbox.store import OUTBOX_CHANNEL
from entrypoints.bootstrap import Connections
from entrypoints.settings import Settings
from tests.support.servers import ServerUrls
from tests.support.waiting import wait_for


@pytest.fixture
async def connections(settings: Settings, servers: ServerUrls) -> Connections:
    if not servers.pooled:
        pytest.skip("the suite runs without PgBouncer (set DATABASE_URL to it and DATABASE_DIRECT_URL)")
    opened = Connections.from_settings(settings)
    assert opened.direct_engine is not opened.engine
    return opened


async def test_many_clients_sharing_server_connections_prepare_their_statements_without_colliding(
    connections: Connections,
) -> None:
    statements = [text(f"SELECT CAST(:value AS integer) + {n} AS answer") for n in range(5)]

    async def client(number: int) -> list[int]:
        answers = []
        for _ in range(4):
            async with connections.engine.begin() as connection:
                for statement in statements:
                    answers.append((await connection.execute(statement, {"value": number})).scalar_one())
        return answers

    try:
        # More clients than the pooler has server connections for the database (default_pool_size 20).
        results = await asyncio.gather(*(client(n) for n in range(40)))
    finally:
        await connections.close()
    assert results == [[n + k for k in range(5)] * 4 for n in range(40)]


async def test_the_relay_listens_on_the_direct_connection_and_is_woken_by_a_commit_through_the_pooler(
    connections: Connections,
) -> None:
    rounds: list[str] = []

    async def hand_over() -> None:
        rounds.append(uuid4().hex)

    # No retries within the test: only a notification wakes the relay after its first round.
    task = asyncio.create_task(OutboxRelay(connections.direct_engine, hand_over, retry_s=600).run())
    try:
        await wait_for(lambda: _true(len(rounds) == 1), timeout=5, what="the relay's first round")
        async with connections.engine.begin() as connection:
            await connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})
        await wait_for(lambda: _true(len(rounds) == 2), timeout=5, what="the commit to wake the relay")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await connections.close()


async def _true(value: bool) -> bool:
    return value
