"""The PostgreSQL and Redis the tests run against: the ones at DATABASE_URL/REDIS_URL, or embedded ones.

With DATABASE_DIRECT_URL also set, DATABASE_URL is a transaction-mode PgBouncer in front of the server
at DATABASE_DIRECT_URL (CI runs the integration and e2e tests so): the test database is created,
migrated and dropped there, and the app reaches it through the pooler, under the same name (the
pooler's `*` entry forwards any database name).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from sqlalchemy.engine import make_url

from adapters.embedded.postgres import EmbeddedPostgres
from adapters.embedded.redis import EmbeddedRedis
from adapters.postgres.engine import asyncpg_url
from adapters.postgres.migrate import upgrade


@dataclass(frozen=True)
class ServerUrls:
    database_url: str  # a database of its own, migrated to head
    redis_url: str  # a Redis database index of its own
    origin: str  # "embedded" or "environment"
    direct_url: str = ""  # the same database without the pooler; database_url when there is none

    @property
    def pooled(self) -> bool:
        """The app reaches the database through PgBouncer (DATABASE_DIRECT_URL was set)."""
        return self.direct_url != self.database_url


def _plain_dsn(url: str) -> str:
    return make_url(asyncpg_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def _with_database(url: str, name: str) -> str:
    return make_url(asyncpg_url(url)).set(database=name, drivername="postgresql").render_as_string(hide_password=False)


async def _create_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(_plain_dsn(server_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(_plain_dsn(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _blocking(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to the end from sync code, even under pytest-asyncio's running loop."""
    _blocking_call(asyncio.run, coro)


def _blocking_call(fn: Callable[..., Any], *args: Any) -> None:
    with ThreadPoolExecutor(1) as pool:
        pool.submit(fn, *args).result()


def _redis_db(url: str, index: int) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return urlunsplit(parts._replace(query=f"db={index}"))
    return urlunsplit(parts._replace(path=f"/{index}"))


@contextmanager
def test_servers(tmp_dir: Path) -> Iterator[ServerUrls]:
    """A fresh migrated database and a Redis database for one test session; removed afterwards."""
    env_db, env_redis = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    env_direct = os.environ.get("DATABASE_DIRECT_URL") if env_db else None
    postgres = EmbeddedPostgres(tmp_dir) if not env_db else None
    redis = EmbeddedRedis(tmp_dir) if not env_redis else None
    try:
        pooler_url = env_db or postgres.start()  # type: ignore[union-attr]
        server_url = env_direct or pooler_url  # databases are created and dropped on the server itself
        redis_server_url = env_redis or redis.start()  # type: ignore[union-attr]
        name = f"planner_test_{uuid.uuid4().hex[:12]}"
        _blocking(_create_database(server_url, name))
        database_url = _with_database(pooler_url, name)
        direct_url = _with_database(server_url, name)
        try:
            _blocking_call(upgrade, direct_url)
            # Tests own database 15 of a shared Redis, flushed between tests; an embedded one is all theirs.
            redis_url = _redis_db(redis_server_url, 15) if env_redis else redis_server_url
            origin = "environment" if env_db or env_redis else "embedded"
            yield ServerUrls(database_url, redis_url, origin, direct_url)
        finally:
            _blocking(_drop_database(server_url, name))
    finally:
        if redis:
            redis.stop()
        if postgres:
            postgres.stop()
