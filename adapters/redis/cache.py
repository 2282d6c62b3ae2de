"""The cache port on Redis (REDIS_CACHE_URL): short timeouts, failing open, per-person generations.

Failure handling, thought through:
- Every call is bounded by CACHE_TIMEOUT_S of Redis's own time (see RedisCache), with no retries.
  A call that is late while Redis keeps answering this process's other calls is not Redis's doing:
  under load, a process with a hundred answers on their way reads each one in turns of its busy
  event loop. It waits on (up to MOST_TIME_S); sending it to the database would add the very work
  that made the loop slow, and a few such sends in a row would switch the cache off for everyone.
  A failure (an error, or SLOW_ANSWERS_TO_SWITCH_OFF timeouts in a row) opens a short circuit
  (CIRCUIT_OPEN_S) during which calls do not touch Redis at all, so a dead cache costs requests
  nothing; the first call after it tries again, so caching resumes by itself when Redis returns.
  A warning is logged at most once a minute.
- A bump that fails (the write committed, its invalidation did not reach Redis) is remembered: until
  it is retried successfully, this process treats those people's generations as unknown, and the
  policy then neither reads nor writes their cached answers. Other processes may still serve the old
  entries if they reach a Redis that this one cannot (a partition, not a restart): that window ends
  with this process's next cache call (retrying its pending bumps) or the TTL, whichever comes first.
- A generation key that is missing (a fresh or restarted Redis, or evicted by an LRU policy) starts
  at the current time in microseconds, never at 0, so it can never fall back to a number whose
  entries are still cached.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence, Set
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from uuid import UUID

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.telemetry.series import CACHE_HITS, CACHE_MISSES
from application.cache import GENERATION_MARK, USER_MARK

log = structlog.get_logger(__name__)

CACHE_TIMEOUT_S = 0.05
CIRCUIT_OPEN_S = 1.0
WARNING_INTERVAL_S = 60.0
SLOW_ANSWERS_TO_SWITCH_OFF = 3
LATE_TIMER_S = 0.005
"""A timer firing later than this behind its time means the event loop (not Redis) was busy."""
MOST_TIME_S = 10.0
"""However busy the loop is, a call gets no more than this in all.

Generous on purpose: a loop this busy is short of CPU, and giving up would send the request to
the database, which costs it far more than waiting for an answer that is already on its way."""
CACHE_DATABASE = 1
KEPT_BYTES = 16 * 1024 * 1024
"""How many bytes of values read through an index (find a time's people) a process keeps for itself.

Their keys carry the person's generation, so a kept value is never stale; keeping them spares
Redis and this process the transfer of a free/busy's fifty parts (about 100 KiB) on every request."""

T = TypeVar("T")


def default_cache_url(redis_url: str) -> str:
    """REDIS_URL on database 1: `redis://host:6379/1`, or `unix:///path.sock?db=1`."""
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        on_unix = dict(parse_qsl(parts.query))
        on_unix["db"] = str(CACHE_DATABASE)
        return f"unix://{parts.netloc}{parts.path}?{urlencode(on_unix)}"
    query = [(name, value) for name, value in parse_qsl(parts.query) if name != "db"]
    return urlunsplit(parts._replace(path=f"/{CACHE_DATABASE}", query=urlencode(query)))


EVERYONE_KEY = "calendar:generation:everyone"


def generation_key(user_id: UUID | str) -> str:
    return f"calendar:generation:{user_id}"


def create_cache_client(url: str) -> Redis:
    """A client that never retries: the database is the fallback (each call is bounded by RedisCache)."""
    # No CLIENT SETINFO on connect: a cold pool under load then costs one round trip less per connection.
    client: Redis = Redis.from_url(
        url,
        socket_connect_timeout=MOST_TIME_S,  # bounded by `_within_redis_time`, which discounts loop lag
        retry_on_timeout=False,
        retry=None,
        lib_name=None,
        lib_version=None,
    )
    return client


class RedisCache:
    """Implements application.cache.Cache on one asyncio Redis client; every call fails open.

    Each call is bounded by `timeout_s` (CACHE_TIMEOUT_S) of Redis's own time, not of this process's (see
    `_within_redis_time`). A plain asyncio timeout would count the event loop's own lag, and under
    load would turn a healthy cache off exactly when it is needed most.
    """

    def __init__(self, client: Redis, *, timeout_s: float = CACHE_TIMEOUT_S) -> None:
        self._client = client
        self._timeout_s = timeout_s
        self._get_current = client.register_script(_GET_CURRENT)
        self._get_current_many = client.register_script(_GET_CURRENT_MANY)
        self._get_current_indexed = client.register_script(_GET_CURRENT_INDEXED)
        self._bump_script = client.register_script(_BUMP)
        self._pending_bumps: set[UUID] = set()
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        """Values read through get_current_indexed, by key (generation included), the least recently used first."""
        self._kept_bytes = 0
        self._closed_until = 0.0
        self._slow_in_a_row = 0
        self._last_warning: float | None = None
        self._last_answer = 0.0
        self._last_timeout = 0.0
        """When (time.monotonic) the last timeout counted towards switching the cache off was seen."""
        """When (time.monotonic) Redis last answered one of this process's calls."""
        self.failures = 0
        """How many cache calls failed, for metrics and tests."""

    async def get(self, key: str) -> bytes | None:
        value = await self._call(lambda: self._client.get(key), None)
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, *, ttl_seconds: int) -> None:
        await self._call(lambda: self._client.set(key, value, ex=ttl_seconds), None)

    async def add_lock(self, key: str, *, ttl_ms: int) -> bool:
        taken = await self._call(lambda: self._client.set(key, b"1", nx=True, px=ttl_ms), _UNREACHABLE)
        return taken is _UNREACHABLE or bool(taken)

    async def release_lock(self, key: str) -> None:
        await self._call(lambda: self._client.delete(key), None)

    async def get_while_locked(self, key: str, lock: str) -> tuple[bytes | None, bool]:
        found = await self._call(lambda: self._client.mget([key, lock]), None)
        if not isinstance(found, list) or len(found) != 2:
            return None, False
        value, holder = found
        return (value if isinstance(value, bytes) else None), holder is not None

    async def get_current(self, user_id: UUID, key_template: str) -> tuple[str | None, bytes | None]:
        if self._pending_bumps and not await self._retry_pending_bumps():
            return None, None
        keys = [EVERYONE_KEY, generation_key(user_id)]
        found = await self._call(lambda: self._get_current(keys=keys, args=[key_template, _fresh_generation()]), None)
        if not isinstance(found, list) or len(found) != 2:
            return None, None
        generation, value = found
        if isinstance(value, bytes):
            CACHE_HITS.inc()
            return generation.decode(), value
        CACHE_MISSES.inc()
        return generation.decode(), None

    async def get_current_many(
        self, templates: Mapping[UUID, Sequence[str]]
    ) -> dict[UUID, tuple[str, list[bytes | None]]]:
        if not templates or (self._pending_bumps and not await self._retry_pending_bumps()):
            return {}
        people = list(templates)
        keys = [EVERYONE_KEY, *(generation_key(user_id) for user_id in people)]
        args: list[str | int] = [_fresh_generation()]
        for user_id in people:
            args.append(len(templates[user_id]))
            args.extend(templates[user_id])
        found = await self._call(lambda: self._get_current_many(keys=keys, args=args), None)
        if not isinstance(found, list):
            return {}
        answer: dict[UUID, tuple[str, list[bytes | None]]] = {}
        at = 0
        for user_id in people:
            count = len(templates[user_id])
            generation, values = found[at], found[at + 1 : at + 1 + count]
            at += 1 + count
            answer[user_id] = (generation.decode(), [v if isinstance(v, bytes) else None for v in values])
        return answer

    async def get_current_indexed(
        self, index_keys: Sequence[str], templates: Sequence[str]
    ) -> list[tuple[UUID, str, list[bytes | None]] | None]:
        """See the port. The values come from this process's own copies where it has them (`_kept`).

        One round trip reads who each index key names and their generations; the values at those
        generations that this process has not read before come in a second one, and are kept. A key
        holds its person's generation, so a value kept under it is as current as Redis's own copy.
        """
        if not index_keys:
            return []
        if self._pending_bumps and not await self._retry_pending_bumps():
            return [None] * len(index_keys)
        keys = [EVERYONE_KEY, *index_keys]
        args: list[str | int] = [_fresh_generation(), generation_key(USER_MARK)]
        found = await self._call(lambda: self._get_current_indexed(keys=keys, args=args), None)
        if not isinstance(found, list):
            return [None] * len(index_keys)
        people: list[tuple[UUID, str, list[str]] | None] = []
        wanted: list[str] = []
        at = 0
        for _ in index_keys:
            kept = found[at]
            if kept is None:
                people.append(None)
                at += 1
                continue
            user, generation = kept.decode(), found[at + 1].decode()
            at += 2
            value_keys = [
                template.replace(USER_MARK, user).replace(GENERATION_MARK, generation) for template in templates
            ]
            wanted.extend(key for key in value_keys if key not in self._kept)
            people.append((_person(kept), generation, value_keys))
        if wanted:
            fetched = await self._call(lambda: self._client.mget(wanted), None)
            for key, value in zip(wanted, fetched if isinstance(fetched, list) else (), strict=False):
                if isinstance(value, bytes):
                    self._keep(key, value)
        answer: list[tuple[UUID, str, list[bytes | None]] | None] = []
        for person in people:
            if person is None:
                answer.append(None)
                continue
            user_id, generation, value_keys = person
            answer.append((user_id, generation, [self._kept_value(key) for key in value_keys]))
        return answer

    def _keep(self, key: str, value: bytes) -> None:
        if (old := self._kept.pop(key, None)) is not None:
            self._kept_bytes -= len(old)
        self._kept[key] = value
        self._kept_bytes += len(value)
        while self._kept_bytes > KEPT_BYTES and self._kept:
            _, dropped = self._kept.popitem(last=False)
            self._kept_bytes -= len(dropped)

    def _kept_value(self, key: str) -> bytes | None:
        value = self._kept.get(key)
        if value is not None:
            self._kept.move_to_end(key)
        return value

    async def set_many(self, values: Mapping[str, bytes], *, ttl_seconds: int) -> None:
        async def store() -> None:
            async with self._client.pipeline(transaction=False) as pipe:
                for key, value in values.items():
                    pipe.set(key, value, ex=ttl_seconds)
                await pipe.execute()

        if values:
            await self._call(store, None)

    async def bump_generations(self, user_ids: Iterable[UUID]) -> None:
        people = set(user_ids) | self._pending_bumps
        if not people:
            return
        if await self._bump(people):
            self._pending_bumps.clear()
        else:
            self._pending_bumps = people

    async def bump_everyone(self) -> None:
        await self.bump_generations([_EVERYONE])

    async def close(self) -> None:
        """Drop the cache's connections."""
        await self._client.aclose()

    async def _retry_pending_bumps(self) -> bool:
        if await self._bump(self._pending_bumps):
            self._pending_bumps.clear()
            return True
        return False

    async def _bump(self, people: Set[UUID]) -> bool:
        keys = [EVERYONE_KEY if user_id == _EVERYONE else generation_key(user_id) for user_id in people]

        async def bump() -> bool:
            await self._bump_script(keys=keys, args=[_fresh_generation()])
            return True

        return await self._call(bump, False)

    async def _call(self, command: Callable[[], Awaitable[T]], failed: T) -> T:
        if time.monotonic() < self._closed_until:
            return failed
        started = time.monotonic()
        call = asyncio.ensure_future(command())
        try:
            await _within_redis_time(call, self._timeout_s, answered_since=self._answered_since)
            result = call.result()
            self._last_answer = time.monotonic()
            self._slow_in_a_row = 0
            return result
        except (RedisError, OSError, TimeoutError) as error:
            self._note_failure(error, started=started)
            return failed
        except LoopTooBusy:
            # Not the cache's fault: switching it off would only add the database's work to ours.
            return failed
        finally:
            if not call.done():  # our own caller was cancelled
                call.cancel()

    def _answered_since(self, moment: float) -> bool:
        return self._last_answer > moment

    def _note_failure(self, error: BaseException, *, started: float) -> None:
        self.failures += 1
        now = time.monotonic()
        if isinstance(error, TimeoutError):
            # One slow answer sends only its own request to the database; a cache slow several times
            # in a row is switched off like a dead one. (One blip switching it off would send every
            # request of the next second to the database, on a machine already short of time.)
            # Calls that were all waiting through the same silence are one sign, not several: under
            # load a hundred of them time out together when Redis is starved of CPU for 50 ms, and
            # only calls made after the last timeout was seen count again.
            if started >= self._last_timeout:
                self._slow_in_a_row += 1
                self._last_timeout = now
            if self._slow_in_a_row < SLOW_ANSWERS_TO_SWITCH_OFF:
                return
        self._slow_in_a_row = 0
        self._closed_until = now + CIRCUIT_OPEN_S
        if self._last_warning is None or now - self._last_warning >= WARNING_INTERVAL_S:
            self._last_warning = now
            log.warning("cache.unavailable", error=type(error).__name__, detail=str(error) or None)


class LoopTooBusy(Exception):
    """This process's event loop was too busy to see whether the cache answered in time."""


async def _within_redis_time(
    call: asyncio.Future[Any], timeout_s: float, *, answered_since: Callable[[float], bool] = lambda _: False
) -> None:
    """Wait for `call` up to `timeout_s`, not counting the time this process was too busy to read the answer.

    Two signs say the process, not Redis, is slow: a timer that fires late (its lag is given back), and
    Redis answering other calls of this process while this one waited (`answered_since`, in time.monotonic):
    then it waits another `timeout_s`. Either way no more than MOST_TIME_S in all. Raises TimeoutError when
    Redis itself took longer than `timeout_s` (on time, and nobody answered meanwhile), and LoopTooBusy
    when this process was too busy to tell within MOST_TIME_S.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    budget = timeout_s
    while True:
        armed, armed_at = loop.time(), time.monotonic()
        await asyncio.wait((call,), timeout=budget)
        if call.done():
            return
        now = loop.time()
        if now - started >= MOST_TIME_S:
            call.cancel()
            raise LoopTooBusy
        lag = now - armed - budget
        if lag > LATE_TIMER_S:
            budget = lag
        elif answered_since(armed_at):
            budget = timeout_s
        else:
            call.cancel()
            raise TimeoutError(f"no answer from the cache within {timeout_s * 1000:.0f} ms")


@lru_cache(maxsize=65536)
def _person(kept: bytes) -> UUID:
    """The id an index keeps, remembered: free/busy reads fifty of them a request, mostly the same ones."""
    return UUID(kept.decode())


_EVERYONE = UUID(int=0)
"""Stands for everyone among pending bumps; while it is pending, nobody is served from the cache."""


class _Unreachable:
    pass


_UNREACHABLE: object = _Unreachable()


_GET_CURRENT = """
for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[2], 'NX') end
local found = redis.call('MGET', KEYS[1], KEYS[2])
local generation = found[1] .. '.' .. found[2]
local key = string.gsub(ARGV[1], '{generation}', generation)
return {generation, redis.call('GET', key)}
"""
"""Cache.get_current in one round trip: both generations (started if missing), then the value at them."""


_GET_CURRENT_MANY = """
for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'NX') end
local generations = redis.call('MGET', unpack(KEYS))
local answer = {}
local at = 2
for person = 2, #KEYS do
    local generation = generations[1] .. '.' .. generations[person]
    local count = tonumber(ARGV[at])
    at = at + 1
    answer[#answer + 1] = generation
    if count > 0 then
        local keys = {}
        for n = 1, count do
            keys[n] = string.gsub(ARGV[at], '{generation}', generation)
            at = at + 1
        end
        local values = redis.call('MGET', unpack(keys))
        for n = 1, count do answer[#answer + 1] = values[n] end
    end
end
return answer
"""
"""Cache.get_current_many in one round trip: everyone's generations (started if missing), then each one's values."""


_GET_CURRENT_INDEXED = """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local everyone = redis.call('GET', KEYS[1])
local people = redis.call('MGET', unpack(KEYS, 2))
local found, own = {}, {}
for n = 1, #people do
    if people[n] then
        found[#found + 1] = n
        own[#own + 1] = string.gsub(ARGV[2], '{user}', people[n])
    end
end
if #found == 0 then return people end
local generations = redis.call('MGET', unpack(own))
local answer = {}
local at = 1
for n = 1, #people do
    if at <= #found and found[at] == n then
        if not generations[at] then
            redis.call('SET', own[at], ARGV[1], 'NX')
            generations[at] = redis.call('GET', own[at])
        end
        answer[#answer + 1] = people[n]
        answer[#answer + 1] = everyone .. '.' .. generations[at]
        at = at + 1
    else
        answer[#answer + 1] = false
    end
end
return answer
"""
"""The people of Cache.get_current_indexed in one round trip: for each index key, nobody (nil), or the
person kept there and their generation (started if missing)."""


_BUMP = """
for _, key in ipairs(KEYS) do
    redis.call('SET', key, ARGV[1], 'NX')
    redis.call('INCR', key)
end
"""
"""Cache.bump_generations in one command: each generation started if missing, then moved on."""


def _fresh_generation() -> int:
    return time.time_ns() // 1_000


async def forget_every_cached_read(url: str, *, timeout_s: float = 5.0) -> None:
    """Make every cached read on the cache at `url` stale at once (after a database restore).

    Unlike RedisCache's calls this one does not fail open: a restore whose cache was left serving the
    old answers must say so. Raises RedisError or OSError when the cache cannot be reached.
    """
    client: Redis = Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
    try:
        await client.register_script(_BUMP)(keys=[EVERYONE_KEY], args=[_fresh_generation()])
    finally:
        await client.aclose()
