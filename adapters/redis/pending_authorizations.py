"""OAuth consents under way, in Redis: a nonce and its PKCE verifier, taken once (GETDEL)."""

from __future__ import annotations

from redis.asyncio import Redis

KEY_PREFIX = "google:oauth:pending:"


class RedisPendingAuthorizations:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def open(self, nonce: str, *, code_verifier: str, ttl_s: int) -> None:
        await self._redis.set(KEY_PREFIX + nonce, code_verifier, ex=ttl_s)

    async def take(self, nonce: str) -> str | None:
        # GETDEL is atomic: of two callbacks racing with one state, only one gets the verifier.
        value = await self._redis.getdel(KEY_PREFIX + nonce)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)
