"""The adapters' Prometheus series: cache lookups, notifications published, database connections in use.

Counted where the work happens, in this process; with PROMETHEUS_MULTIPROC_DIR set (`planner run`,
`planner up`, `planner worker` set it) prometheus_client writes them to files that GET /metrics sums
over every process. Gauges are `livesum`: the sum over the processes alive now.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

CACHE_LOOKUPS = Counter(
    "planner_cache_lookups",
    "Cached calendar reads looked up in Redis, by result (hit or miss); the hit ratio is hit / (hit + miss)",
    ["result"],
)
CACHE_HITS = CACHE_LOOKUPS.labels(result="hit")
CACHE_MISSES = CACHE_LOOKUPS.labels(result="miss")

NOTIFICATIONS_SENT = Counter(
    "planner_notifications_sent", "Notifications published to people's open streams (Redis pub/sub)"
)

DB_POOL_IN_USE = Gauge(
    "planner_db_pool_connections_in_use",
    "Database connections checked out of the processes' pools right now",
    multiprocess_mode="livesum",
)
DB_POOL_CAPACITY = Gauge(
    "planner_db_pool_connections_max",
    "How many connections the processes' pools may open (pool size plus overflow)",
    multiprocess_mode="livesum",
)


def watch_pool(engine: AsyncEngine, *, capacity: int) -> None:
    """Count the engine's checked-out connections in DB_POOL_IN_USE (two pool events per checkout, no I/O)."""

    def checked_out(*_: Any) -> None:
        DB_POOL_IN_USE.inc()

    def checked_in(*_: Any) -> None:
        DB_POOL_IN_USE.dec()

    event.listen(engine.sync_engine, "checkout", checked_out)
    event.listen(engine.sync_engine, "checkin", checked_in)
    DB_POOL_CAPACITY.inc(capacity)


def forget_pool(capacity: int) -> None:
    """The engine was disposed: its capacity no longer counts."""
    DB_POOL_CAPACITY.dec(capacity)
