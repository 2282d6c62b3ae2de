"""Rate-limit counters on Redis (REDIS_RATE_LIMIT_URL), shared by every web process, failing open.

Each limit is a fixed window: one atomic INCR (with its expiry set on the first hit) per request, so
two processes counting the same caller never lose each other's hits. When Redis is down or slow
(COUNTER_TIMEOUT_S, no retries), `hit` answers None and the caller lets the request pass; a failure
opens a short circuit (CIRCUIT_OPEN_S) so a hung Redis costs requests nothing, the next call after
it tries again (so limits resume by themselves), and a warning is logged at most once a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from application.rate_limits import Failure, Hit

log = structlog.get_logger(__name__)

COUNTER_TIMEOUT_S = 0.1
CIRCUIT_OPEN_S = 1.0
WARNING_INTERVAL_S = 60.0
RATE_LIMIT_DATABASE = 2
KEY_PREFIX = "ratelimit:"

# Count a hit and answer (hits in this window, seconds until the window resets).
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""

# A failed sign-in of one (account, network): count it (forgotten FAILURES_KEPT_S after the last one)
# and the site's failures this window; lock the pair for a delay doubling from its `free`-th failure
# (`first` seconds then),
# or for the longest delay at once while the whole site fails more than the ceiling.
_FAIL = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
local site = redis.call('INCR', KEYS[3])
if site == 1 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
local free, longest, ceiling = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local delay = 0
if ceiling > 0 and site > ceiling then
    delay = longest
elseif count >= free then
    delay = math.min(tonumber(ARGV[6]) * 2 ^ math.min(count - free, 30), longest)
end
if delay > 0 then redis.call('SET', KEYS[2], '1', 'EX', math.floor(delay)) end
return {count, math.floor(delay)}
"""


def default_rate_limit_url(redis_url: str) -> str:
    """REDIS_URL on database 2: `redis://host:6379/2`, or `unix:///path.sock?db=2`."""
    parts = urlsplit(redis_url)
    query = [(name, value) for name, value in parse_qsl(parts.query) if name != "db"]
    if parts.scheme == "unix":
        # urlunsplit would drop the empty host of `unix:///path`, so the URL is put together by hand.
        return f"unix://{parts.netloc}{parts.path}?{urlencode([*query, ('db', str(RATE_LIMIT_DATABASE))])}"
    return urlunsplit(parts._replace(path=f"/{RATE_LIMIT_DATABASE}", query=urlencode(query)))


def create_rate_limit_client(url: str) -> Redis:
    """A client that gives up after COUNTER_TIMEOUT_S and never retries: a request is never held up."""
    client: Redis = Redis.from_url(
        url,
        socket_timeout=COUNTER_TIMEOUT_S,
        socket_connect_timeout=COUNTER_TIMEOUT_S,
        retry_on_timeout=False,
        retry=None,
    )
    return client


class RateLimitCounters:
    """Fixed-window hit counters, and sign-in failure counters with locks, in one Redis database."""

    def __init__(self, client: Redis, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._script = client.register_script(_HIT)
        self._fail = client.register_script(_FAIL)
        self._clock = clock
        self._closed_until = 0.0
        self._last_warning: float | None = None
        self.failures = 0
        """How many counts failed (and let their request pass), for metrics and tests."""

    async def hit(self, key: str, *, window_s: int) -> Hit | None:
        """Count a request against `key`; None when Redis cannot be asked (the request passes)."""
        if self._clock() < self._closed_until:
            return None
        try:
            async with asyncio.timeout(COUNTER_TIMEOUT_S * 2):
                count, ttl = await self._script(keys=[KEY_PREFIX + key], args=[window_s])
        except (RedisError, OSError, TimeoutError) as error:
            self._note_failure(error)
            return None
        return Hit(count=int(count), resets_in_s=max(int(ttl), 1))

    async def locked_for(self, key: str) -> int | None:
        """Seconds `key` stays locked (0: it is not); None when Redis cannot be asked (the attempt passes)."""
        if self._clock() < self._closed_until:
            return None
        try:
            async with asyncio.timeout(COUNTER_TIMEOUT_S * 2):
                ttl_ms = await self._client.pttl(KEY_PREFIX + key + ":lock")
        except (RedisError, OSError, TimeoutError) as error:
            self._note_failure(error)
            return None
        return max(-(-int(ttl_ms) // 1000), 0)  # whole seconds, rounded up: 0.2 s left is still locked

    async def fail(
        self,
        key: str,
        *,
        site_key: str,
        free: int,
        first_s: int,
        longest_s: int,
        site_window_s: int,
        site_ceiling: int,
        kept_s: int,
    ) -> Failure | None:
        """Count a failed attempt on `key` (and on the site's `site_key`), locking `key` as the policy says."""
        if self._clock() < self._closed_until:
            return None
        keys = [KEY_PREFIX + key, KEY_PREFIX + key + ":lock", KEY_PREFIX + site_key]
        try:
            async with asyncio.timeout(COUNTER_TIMEOUT_S * 2):
                count, delay = await self._fail(
                    keys=keys, args=[kept_s, free, longest_s, site_window_s, site_ceiling, first_s]
                )
        except (RedisError, OSError, TimeoutError) as error:
            self._note_failure(error)
            return None
        return Failure(count=int(count), locked_for_s=int(delay))

    async def forget(self, key: str) -> None:
        """Clear `key`'s failures and lock (a correct password from that network)."""
        if self._clock() < self._closed_until:
            return
        try:
            async with asyncio.timeout(COUNTER_TIMEOUT_S * 2):
                await self._client.delete(KEY_PREFIX + key, KEY_PREFIX + key + ":lock")
        except (RedisError, OSError, TimeoutError) as error:
            self._note_failure(error)

    def _note_failure(self, error: BaseException) -> None:
        self.failures += 1
        now = self._clock()
        self._closed_until = now + CIRCUIT_OPEN_S
        if self._last_warning is None or now - self._last_warning >= WARNING_INTERVAL_S:
            self._last_warning = now
            log.warning("rate_limits.unavailable", error=type(error).__name__, detail=str(error) or None)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._client.aclose(), 2.0)
