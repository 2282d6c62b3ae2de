"""The long-lived connections one process holds: built at start-up, never at import time."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from redis.asyncio import Redis
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.engine import create_engine
from adapters.redis.cache import RedisCache, create_cache_client, default_cache_url
from adapters.redis.client import create_redis
from adapters.saq.queue import create_queue
from entrypoints.settings import Settings

CLOSE_TIMEOUT_S = 2.0


class MissingServerError(RuntimeError):
    """DATABASE_URL or REDIS_URL is unset where no embedded server is started."""


@dataclass
class Infrastructure:
    engine: AsyncEngine
    redis: Redis
    pubsub: Redis  # no read timeout: a subscription waits as long as it takes
    queue: RedisQueue
    cache: RedisCache  # REDIS_CACHE_URL: 50 ms timeouts, no retries; the database is the fallback

    @classmethod
    def from_settings(cls, settings: Settings) -> Infrastructure:
        if not settings.database.url or not settings.redis.url:
            raise MissingServerError(
                "DATABASE_URL and REDIS_URL must be set (or use `planner up`, which starts embedded servers)"
            )
        return cls(
            engine=create_engine(
                settings.database.url,
                pool_size=settings.database.pool_size,
                max_overflow=settings.database.max_overflow,
            ),
            redis=create_redis(settings.redis.url, socket_timeout=2.0),
            pubsub=create_redis(settings.redis.url, socket_timeout=None),
            queue=create_queue(settings.redis.url),
            cache=RedisCache(create_cache_client(settings.redis.cache_url or default_cache_url(settings.redis.url))),
        )

    async def close(self) -> None:
        """Close every connection; a server that hangs cannot hold up shutdown for long."""
        for closing in (
            self.queue.disconnect(),
            self.pubsub.aclose(),
            self.redis.aclose(),
            self.cache.close(),
            self.engine.dispose(),
        ):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(closing, CLOSE_TIMEOUT_S)
