"""The one SAQ queue, built from a Redis client so that unix-socket URLs work too."""

from __future__ import annotations

from redis.asyncio import Redis
from saq.queue.redis import RedisQueue

QUEUE_NAME = "planner"


def create_queue(url: str) -> RedisQueue:
    """A SAQ queue on the Redis at `url` (SAQ's own from_url accepts no unix:// URL)."""
    # No socket timeout: the queue blocks on BLMOVE while it waits for jobs.
    return RedisQueue(Redis.from_url(url, socket_connect_timeout=2.0), name=QUEUE_NAME)
