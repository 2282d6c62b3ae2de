"""Session-wide real servers, per-test isolation, and an HTTP client on the real app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from saq.queue.redis import RedisQueue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.engine import create_engine
from adapters.saq.queue import create_queue
from entrypoints.app import create_app
from entrypoints.settings import AppEnv, RateLimitSettings, Settings, WorkerSettings
from entrypoints.worker.settings import build_worker, saq_config
from tests.support.servers import ServerUrls, test_servers
from tests.support.waiting import wait_for


@pytest.fixture(scope="session")
def _session_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerUrls]:
    with test_servers(tmp_path_factory.mktemp("servers")) as found:
        yield found


@pytest.fixture(scope="session")
async def _session_engine(_session_servers: ServerUrls) -> AsyncIterator[AsyncEngine]:
    # Through PgBouncer when CI runs the suite behind it, as the app's own engine goes.
    engine = create_engine(_session_servers.database_url, pool_size=5, max_overflow=5, pooled=_session_servers.pooled)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def _session_direct_engine(
    _session_servers: ServerUrls, _session_engine: AsyncEngine
) -> AsyncIterator[AsyncEngine]:
    if not _session_servers.pooled:
        yield _session_engine
        return
    engine = create_engine(_session_servers.direct_url, pool_size=2, max_overflow=8)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def _session_redis(_session_servers: ServerUrls) -> AsyncIterator[Redis]:
    client = Redis.from_url(_session_servers.redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def servers(_session_servers: ServerUrls, _session_engine: AsyncEngine, _session_redis: Redis) -> ServerUrls:
    """The real servers, emptied: each test that uses them starts from empty tables and an empty Redis."""
    await _empty_tables(_session_engine)
    await _session_redis.flushdb()
    return _session_servers


@pytest.fixture
def settings(servers: ServerUrls) -> Settings:
    # The suite signs many people up from one address: limits that never bite, counted on the test
    # Redis (emptied between tests). The rate-limit tests set low limits of their own.
    generous = RateLimitSettings(
        redis_url=servers.redis_url,
        sign_in_per_ip=100_000,
        sign_up_per_ip=100_000,
        per_account=100_000,
        api_per_user=100_000,
        api_per_ip=100_000,
    )
    # The in-process test worker takes jobs as before WORKER_CONCURRENCY existed (20 at once), so a
    # slow job never holds up the notifications a test waits for; tests of the limits set their own.
    busy_worker = WorkerSettings(concurrency=20)
    return Settings(env=AppEnv.TEST, log_level="WARNING", rate_limits=generous, worker=busy_worker).with_servers(
        servers.database_url, servers.redis_url, database_direct_url=servers.direct_url if servers.pooled else None
    )


@pytest.fixture
def engine(servers: ServerUrls, _session_engine: AsyncEngine) -> AsyncEngine:
    return _session_engine


@pytest.fixture
def direct_engine(servers: ServerUrls, _session_direct_engine: AsyncEngine) -> AsyncEngine:
    """PostgreSQL itself, past PgBouncer when there is one (DATABASE_DIRECT_URL): LISTEN, session locks."""
    return _session_direct_engine


@pytest.fixture
def redis(servers: ServerUrls, _session_redis: Redis) -> Redis:
    return _session_redis


async def _empty_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        names = (
            await conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
            )
        ).scalars()
        tables = ", ".join(f'"{name}"' for name in names)
        if tables:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def worker(settings: Settings, servers: ServerUrls) -> AsyncIterator[None]:
    """A real SAQ worker on the test Redis, in the test's event loop."""
    queue = create_queue(settings.redis.url or "")
    await queue.connect()
    running = build_worker(saq_config(settings, queue))
    task = asyncio.create_task(running.start())
    await wait_for(lambda: _has_workers(queue), timeout=10, what="the worker to report in")
    yield
    await running.stop()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await queue.disconnect()


async def _has_workers(queue: RedisQueue) -> bool:
    return bool((await queue.info())["workers"])


@pytest.fixture
def app(settings: Settings, servers: ServerUrls) -> Litestar:
    return create_app(settings, configure_logs=False)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parents[1]
