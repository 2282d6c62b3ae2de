"""Figures read at scrape time, once for the whole deployment: the queue, the outbox and the reminders waiting.

They live in PostgreSQL and Redis, not in any process, so GET /metrics reads them when Prometheus
asks (one SQL statement on partial indexes, one Redis pipeline) instead of counting on every request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator

import structlog
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from saq.queue.redis import RedisQueue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger(__name__)

READ_TIMEOUT_S = 2.0

_WAITING = text(
    """
    SELECT
        (SELECT count(*) FROM outbox WHERE processed_at IS NULL) AS outbox_waiting,
        (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)
           FROM outbox WHERE processed_at IS NULL) AS outbox_oldest_s,
        (SELECT count(*) FROM reminders WHERE sent_at IS NULL AND due_at <= now()) AS reminders_due,
        (SELECT coalesce(extract(epoch FROM now() - min(due_at)), 0)
           FROM reminders WHERE sent_at IS NULL AND due_at <= now()) AS reminders_late_s
    """
)


class Figures(Collector):
    """A prometheus_client collector of figures already read (`Backlog.read`)."""

    def __init__(self, families: Iterable[GaugeMetricFamily]) -> None:
        self._families = list(families)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._families


class Backlog:
    """Reads the deployment's backlog: SAQ queue depth, outbox rows waiting, reminders due and unsent."""

    def __init__(self, engine: AsyncEngine, queue: RedisQueue) -> None:
        self._engine = engine
        self._queue = queue

    async def read(self) -> Figures:
        """The figures now; a server that does not answer within READ_TIMEOUT_S leaves its figures out."""
        database, queue = await asyncio.gather(
            asyncio.wait_for(self._database(), READ_TIMEOUT_S),
            asyncio.wait_for(self._queue_depth(), READ_TIMEOUT_S),
            return_exceptions=True,
        )
        families: list[GaugeMetricFamily] = []
        for source, found in (("database", database), ("queue", queue)):
            if isinstance(found, BaseException):
                log.warning("metrics.backlog_unread", source=source, error=repr(found))
            else:
                families.extend(found)
        return Figures(families)

    async def _database(self) -> list[GaugeMetricFamily]:
        async with self._engine.connect() as conn:
            row = (await conn.execute(_WAITING)).one()
        return [
            GaugeMetricFamily(
                "planner_outbox_waiting", "Outbox messages not yet acted on by a worker", value=row.outbox_waiting
            ),
            GaugeMetricFamily(
                "planner_outbox_oldest_waiting_seconds",
                "Age of the oldest outbox message not yet acted on (0 when none waits)",
                value=float(row.outbox_oldest_s),
            ),
            GaugeMetricFamily(
                "planner_reminders_due_unsent",
                "Reminders whose time has come and that are not sent yet",
                value=row.reminders_due,
            ),
            GaugeMetricFamily(
                "planner_reminders_lateness_seconds",
                "How late the most overdue unsent reminder is (0 when every due reminder went out)",
                value=float(row.reminders_late_s),
            ),
        ]

    async def _queue_depth(self) -> list[GaugeMetricFamily]:
        depth = GaugeMetricFamily("planner_queue_jobs", "SAQ jobs in the queue, by state", labels=["state"])
        for state in ("queued", "active", "incomplete"):
            depth.add_metric([state], await self._queue.count(state))
        return [depth]
