"""What the worker's tasks are given: the adapters the composition root chose for the notification ports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from saq.types import Context
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.cache_invalidation import ForgetStaleReads
from adapters.postgres.outbox_progress import OutboxProgress
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.redis.notifications import RedisNotificationPublisher, channels_backend
from adapters.saq.outbox import OutboxHandOver
from application.cache import CalendarReads
from application.unit_of_work import UnitOfWork
from domain.clock import Clock, SystemClock
from domain.notifications.ports import NotificationPublisher
from entrypoints.infrastructure import Infrastructure

SERVICES = "services"
"""The key of the WorkerServices in a task's context."""


@dataclass(frozen=True)
class WorkerServices:
    """The ports the worker's use cases need, served by real adapters."""

    unit_of_work: Callable[[], UnitOfWork]
    publisher: NotificationPublisher
    clock: Clock
    outbox: OutboxProgress
    hand_over: OutboxHandOver
    reads: CalendarReads | None = None
    """The cache of calendar reads, whose stale entries a worker's writes (Google sync) forget."""


def build_worker_services(infrastructure: Infrastructure, *, cache_ttl_seconds: int = 360) -> WorkerServices:
    """Which adapter serves which port in a worker process."""
    sessions = async_sessionmaker(infrastructure.engine, class_=AsyncSession, expire_on_commit=False)
    outbox = OutboxProgress(sessions)
    reads = CalendarReads(infrastructure.cache, ttl_seconds=cache_ttl_seconds)
    # A worker's commits make cached calendar reads stale too (Google sync writes events).
    stale_reads = ForgetStaleReads(reads)

    def unit_of_work() -> UnitOfWork:
        return PostgresUnitOfWork(sessions, stale_reads=stale_reads)

    return WorkerServices(
        unit_of_work=unit_of_work,
        publisher=RedisNotificationPublisher(channels_backend(infrastructure.redis)),
        clock=SystemClock(),
        outbox=outbox,
        hand_over=OutboxHandOver(infrastructure.queue, outbox),
        reads=reads,
    )


def services_of(ctx: Context) -> WorkerServices:
    """The services the worker's start-up put in the context."""
    services = ctx.get(SERVICES)
    if not isinstance(services, WorkerServices):
        raise RuntimeError("the worker started without its services; is saq_config's startup wired?")
    return services
