"""Before serving: are the configured servers there? One clear line when they are not."""

from __future__ import annotations

import asyncio

import asyncpg
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url

from adapters.postgres.engine import asyncpg_url
from adapters.redis.client import create_redis
from entrypoints.settings import Settings


class PreflightError(RuntimeError):
    """A configured server cannot be reached; the message says which and why."""


def shown_url(url: str) -> str:
    """A URL fit for messages and logs: no password."""
    try:
        return make_url(asyncpg_url(url)).render_as_string(hide_password=True).replace("+asyncpg", "")
    except Exception:  # noqa: BLE001 - an unparseable URL is shown by its scheme only
        return url.split(":", 1)[0] + "://…"


async def _check_database(url: str, timeout: float, name: str = "DATABASE_URL") -> None:
    sa_url = make_url(asyncpg_url(url))
    try:
        conn = await asyncpg.connect(
            dsn=sa_url.set(drivername="postgresql").render_as_string(hide_password=False), timeout=timeout
        )
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        reason = str(exc) or type(exc).__name__
        raise PreflightError(
            f"cannot reach PostgreSQL at {shown_url(url)}: {reason}; check {name} or unset it to use the "
            "embedded server"
        ) from exc
    await conn.close()


async def _check_redis(url: str, timeout: float) -> None:
    client: Redis = create_redis(url, socket_timeout=timeout)
    try:
        await asyncio.wait_for(client.ping(), timeout)
    except (RedisError, OSError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        raise PreflightError(
            f"cannot reach Redis at {url}: {reason}; check REDIS_URL or unset it to use the embedded server"
        ) from exc
    finally:
        await client.aclose()


async def check_servers(settings: Settings, timeout: float = 5.0) -> None:
    """Raise PreflightError naming the first server that does not answer."""
    if settings.database.url:
        await _check_database(settings.database.url, timeout)
    if settings.database.direct_url:
        await _check_database(settings.database.direct_url, timeout, "DATABASE_DIRECT_URL")
    if settings.redis.url:
        await _check_redis(settings.redis.url, timeout)
