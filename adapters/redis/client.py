"""Redis clients built from a URL (redis://, rediss:// or unix://)."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str, *, socket_timeout: float | None = 5.0, decode_responses: bool = False) -> Redis:
    client: Redis = Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=2.0,
        health_check_interval=30,
        decode_responses=decode_responses,
    )
    return client
