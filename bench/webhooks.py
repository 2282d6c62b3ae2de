"""Webhook fan-out: 1,000 event changes to 10 subscriptions (a local receiver), 10,000 deliveries, 2 SAQ workers.

One run: PostgreSQL and Redis (embedded, or DATABASE_URL / REDIS_URL), migrated; a receiver on
127.0.0.1 answering 200 to every POST (uvicorn in a process of its own: bench/webhook_receiver.py);
one person with 10 subscriptions to `event.created` (WEBHOOK_ALLOW_PRIVATE=true); `planner worker --processes 2`. Then
1,000 events are created through the create_event use case (each commit stores its outbox message
and wakes the workers, as a request's would), and the clock runs from the first commit until every
one of the 10,000 deliveries is marked delivered in PostgreSQL. Goal: <= 30 s.

    uv run python bench/webhooks.py [--changes 1000] [--subscriptions 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from application.accounts.dto import RegisterUser
from application.accounts.register_user import register_user
from application.scheduling.create_event import create_event
from application.scheduling.dto import CreateEvent
from application.webhooks.subscriptions import SubscribeWebhook, subscribe_webhook
from bench import harness
from bench.errors import BenchmarkFailed
from bench.processes import free_port, http_server, planner_environment
from bench.seeding import run_tag
from bench.worker_throughput import worker_processes, workers_reporting
from domain.scheduling.event import NewEvent
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.settings import Settings

WORKERS = 2
GOAL_S = 30.0
COMMIT_CONCURRENCY = 20
STALLED_AFTER_S = 150.0
"""Longer than a claimed delivery's lease (30 s) plus the minute's sweep that sends what a failed job left."""
POLL_S = 0.2


@dataclass(frozen=True)
class Results:
    changes: int
    subscriptions: int
    delivered: int
    received: int
    commit_seconds: float
    seconds: float
    median_delay_s: float
    p99_delay_s: float
    mean_latency_ms: float


async def delays(engine: AsyncEngine) -> tuple[float, float, float]:
    """From a change's commit to its delivery's first attempt: median and 99th percentile (s); mean latency (ms)."""
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    """
                    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY waited),
                           percentile_cont(0.99) WITHIN GROUP (ORDER BY waited),
                           avg(latency_ms)
                    FROM (
                        SELECT extract(epoch FROM a.attempted_at - d.created_at) AS waited, a.latency_ms
                        FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                        WHERE a.attempt = 1
                    ) AS first_attempts
                    """
                )
            )
        ).one()
    return float(row[0] or 0), float(row[1] or 0), float(row[2] or 0)


async def delivered_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        found = await connection.scalar(text("SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'"))
    return int(found or 0)


async def fan_out(args: argparse.Namespace, workdir: Path, env: dict[str, str], receiver_url: str) -> Results:
    container: Container = bootstrap(Settings.from_env(env))
    try:
        tag = run_tag()
        owner = await register_user(
            RegisterUser(email=f"hooks-{tag}@example.com", name="Hooks", password="correct horse battery staple"),
            uow=container.unit_of_work(),
            hasher=container.hasher,
            clock=container.clock,
        )
        for n in range(args.subscriptions):
            await subscribe_webhook(
                SubscribeWebhook(
                    owner_id=owner.id, owner_is_admin=False, url=f"{receiver_url}/{n}", events=["event.created"]
                ),
                uow=container.unit_of_work(),
                store=container.webhooks.store,
                addresses=container.webhooks.addresses,
                clock=container.clock,
            )
        with worker_processes(env, workdir / "worker.log", WORKERS):
            await workers_reporting(container.connections.queue, WORKERS)
            print(f"{WORKERS} SAQ workers ready; {args.changes:,} event changes", flush=True)
            return await _measure(args, container, owner.id)
    finally:
        await container.close()


async def _measure(args: argparse.Namespace, container: Container, owner_id: UUID) -> Results:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    gate = asyncio.Semaphore(COMMIT_CONCURRENCY)

    async def change(n: int) -> None:
        slot = start + timedelta(minutes=30 * n)
        event = NewEvent(title=f"Fan-out {n}", starts_at=slot, ends_at=slot + timedelta(minutes=30))
        async with gate:
            await create_event(
                CreateEvent(actor_id=owner_id, event=event),
                uow=container.unit_of_work(),
                clock=container.clock,
            )

    wanted = args.changes * args.subscriptions
    started = time.perf_counter()
    await asyncio.gather(*(change(n) for n in range(args.changes)))
    committed = time.perf_counter() - started
    delivered, progress_at, last = 0, time.perf_counter(), 0
    while delivered < wanted and time.perf_counter() - progress_at < STALLED_AFTER_S:
        await asyncio.sleep(POLL_S)
        delivered = await delivered_count(container.connections.engine)
        if delivered > last:
            last, progress_at = delivered, time.perf_counter()
    if delivered < wanted:
        raise BenchmarkFailed(
            f"only {delivered:,} of {wanted:,} deliveries were delivered; nothing moved for {STALLED_AFTER_S:.0f} s"
        )
    median, p99, latency = await delays(container.connections.engine)
    return Results(
        median_delay_s=median,
        p99_delay_s=p99,
        mean_latency_ms=latency,
        changes=args.changes,
        subscriptions=args.subscriptions,
        delivered=delivered,
        received=0,
        commit_seconds=committed,
        seconds=progress_at - started,
    )


def run_benchmark(args: argparse.Namespace, workdir: Path) -> Results:
    with harness.data_servers_migrated(workdir) as servers:
        port = free_port()
        receiver_url = f"http://127.0.0.1:{port}"
        servers.stack.enter_context(
            http_server(
                "the receiver",
                [sys.executable, "-m", "bench.webhook_receiver", str(port)],
                env=dict(os.environ),
                log=workdir / "receiver.log",
                ready_url=f"{receiver_url}/count",
            )
        )
        env = planner_environment(servers.database_url, servers.redis_url) | {"WEBHOOK_ALLOW_PRIVATE": "true"}
        results = asyncio.run(fan_out(args, workdir, env, receiver_url))
        received = int(httpx.get(f"{receiver_url}/count", timeout=5).text)
        return replace(results, received=received)


def print_report(results: Results) -> None:
    rate = results.delivered / results.seconds if results.seconds else 0.0
    verdict = "within" if results.seconds <= GOAL_S else "OVER"
    print(
        f"\nwebhooks: {results.changes:,} event changes x {results.subscriptions} subscriptions: "
        f"{results.delivered:,} deliveries delivered in {results.seconds:.1f} s ({rate:,.0f}/s) "
        f"with {WORKERS} workers, "
        f"{verdict} the {GOAL_S:.0f} s goal; the changes committed in {results.commit_seconds:.1f} s; "
        f"the receiver got {results.received:,} POSTs; from a change to its first attempt: median "
        f"{results.median_delay_s:.2f} s, 99th percentile {results.p99_delay_s:.2f} s; mean answer in "
        f"{results.mean_latency_ms:.0f} ms"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--changes", type=int, default=1000, help="events created (default 1000)")
    parser.add_argument("--subscriptions", type=int, default=10, help="subscriptions to event.created (default 10)")
    args = parser.parse_args(argv)
    if min(args.changes, args.subscriptions) < 1:
        parser.error("--changes and --subscriptions must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logs = {"the workers": "worker.log", "the receiver": "receiver.log", "PostgreSQL": "postgres/log"}
    return harness.main(lambda workdir: run_benchmark(args, workdir), print_report, logs=logs)


if __name__ == "__main__":
    sys.exit(main())
