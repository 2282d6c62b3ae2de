"""The cache port, and the one policy for caching calendar reads on it.

Never stale after a write: every key of a person's calendar reads carries that person's
generation number, and a write bumps the generation of everyone it affects after its commit and
before its answer. Old entries are then simply unreachable and expire with their TTL; nothing
scans or deletes keys.

Fail open: the port answers a miss (or False) instead of raising when the cache server is down
or slow, so reads fall back to PostgreSQL. A generation read that fails answers None, and a
person without a known generation is never served from (nor written to) the cache.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Protocol
from uuid import UUID

STAMPEDE_LOCK_MS = 2_000
"""How long the one request recomputing a missing entry holds its lock at most."""
STAMPEDE_WAIT_S = STAMPEDE_LOCK_MS / 1000
"""How long the others poll for its result before computing the answer themselves.

As long as the lock lives: under load the one computing takes longer than a quiet machine's few
milliseconds, and a waiter that gave up earlier would compute the same answer again, adding the
very work that made the first one slow (every cold key computed twice at the start of a busy
Monday). A holder that died lets its lock expire, so nobody waits longer than this.
"""
STAMPEDE_POLL_S = 0.005
"""The first pause between two polls; each next pause doubles, up to STAMPEDE_POLL_MAX_S."""
STAMPEDE_POLL_MAX_S = 0.05
GENERATION_MARK = "{generation}"
"""Where a key template takes the generation (see Cache.get_current)."""
ROOMS = UUID(int=1)
"""The generation every room's cached bookings are kept under, as a person's are: a commit that books,
moves or frees a room, or adds, changes or removes one, bumps it (and a bump of everyone does too)."""
USER_MARK = "{user}"
"""Where a key template takes the person's id (see Cache.get_current_indexed)."""


class Cache(Protocol):
    """A shared byte cache with per-person generation counters; every call fails open."""

    async def get(self, key: str) -> bytes | None:
        """The value at `key`, or None when it is missing or the cache does not answer."""
        ...

    async def set(self, key: str, value: bytes, *, ttl_seconds: int) -> None:
        """Store `value` at `key` for `ttl_seconds`; a failure is only logged."""
        ...

    async def add_lock(self, key: str, *, ttl_ms: int) -> bool:
        """Take the lock at `key` if nobody holds it (SET NX PX).

        False only when someone else holds it; True when the cache is unreachable too, so the
        caller computes the answer itself instead of waiting for a result that will not come.
        """
        ...

    async def release_lock(self, key: str) -> None:
        """Drop the lock at `key`."""
        ...

    async def get_while_locked(self, key: str, lock: str) -> tuple[bytes | None, bool]:
        """The value at `key` and whether the lock at `lock` is still held, in one round trip.

        (None, False) when the cache does not answer, so a waiter stops waiting.
        """
        ...

    async def get_current(self, user_id: UUID, key_template: str) -> tuple[str | None, bytes | None]:
        """The person's generation and, in the same round trip, the value at `key_template` with it.

        `key_template` holds GENERATION_MARK where the generation goes; the generation is the person's
        with everyone's. Answers (None, None) when it cannot be trusted: the cache does not answer, or
        a bump of this person failed and is still pending. (generation, None) on a miss.
        """
        ...

    async def get_current_many(
        self, templates: Mapping[UUID, Sequence[str]]
    ) -> dict[UUID, tuple[str, list[bytes | None]]]:
        """Each person's generation and the values at their key templates with it, all in one round trip.

        As get_current for each person at once; a person whose generation cannot be trusted is left out
        (everyone, when the cache does not answer). The values are in the order of the person's templates.
        """
        ...

    async def get_current_indexed(
        self, index_keys: Sequence[str], templates: Sequence[str]
    ) -> list[tuple[UUID, str, list[bytes | None]] | None]:
        """The person whose id is kept at each index key, with their generation and values (one or two round trips).

        For each index key, in order: None when it keeps nobody (or the person's generation cannot be
        trusted, or the cache does not answer); else the person's id, generation (as get_current's),
        and the values at `templates` (USER_MARK and GENERATION_MARK in each), in the templates' order.
        """
        ...

    async def set_many(self, values: Mapping[str, bytes], *, ttl_seconds: int) -> None:
        """Store each value at its key for `ttl_seconds`, in one round trip; a failure is only logged."""
        ...

    async def bump_generations(self, user_ids: Iterable[UUID]) -> None:
        """Make every cached read of these people unreachable; remembered and retried if the cache is down."""
        ...

    async def bump_everyone(self) -> None:
        """Make every cached read of everyone unreachable (rare writes whose audience is unknown)."""
        ...


def events_key(user_id: UUID, generation: str, start: datetime, end: datetime, calendar_id: UUID | None) -> str:
    """A window of the events a person sees (week view, day view), at one generation.

    Its value is the answer gzip-compressed (`.gz`); an older process's plain JSON lives at keys without it.
    """
    return (
        f"calendar:events:{user_id}:g{generation}:{start.timestamp():.6f}:{end.timestamp():.6f}:"
        f"{calendar_id or 'all'}.gz"
    )


def busy_key(user_id: UUID, generation: str, zone: str, week_start: datetime) -> str:
    """A person's merged busy blocks over one UTC week (Monday 00:00), their all-day dates read in `zone`."""
    return f"calendar:busy:{user_id}:g{generation}:{zone}:{week_start.timestamp():.0f}"


def free_busy_key(user_id: UUID | str, generation: str, start: datetime, end: datetime) -> str:
    """A person's part of a free/busy answer over one window (busy blocks and working spans), as the API encodes it.

    Their zone and working hours are in it, so a change of either bumps the person's generation.
    `user_id` may be USER_MARK (a template for Cache.get_current_indexed).
    """
    return f"calendar:free_busy:{user_id}:g{generation}:{_window_text(start, end)}"


def rooms_booked_key(generation: str, room_id: UUID, start: datetime, end: datetime) -> str:
    """A room and its booked time over one window (free/busy), at the rooms' generation."""
    return f"calendar:rooms:booked:{room_id}:g{generation}:{_window_text(start, end)}"


def rooms_seating_key(generation: str, seats: int, start: datetime, end: datetime) -> str:
    """Every room seating `seats` and its bookings over one window (suggestions), at the rooms' generation."""
    return f"calendar:rooms:seating:{seats}:g{generation}:{_window_text(start, end)}"


def person_key(email: str) -> str:
    """Who has this (normalized) email: their id, an index for Cache.get_current_indexed.

    Only ever a hint: what is read through it is checked against the person's own record.
    """
    return f"calendar:person:{email}"


def colleague_key(user_id: UUID | str, generation: str) -> str:
    """A person's record as find a time reads it (id, email, zone, working hours), at one generation.

    An email, zone or working-hours change bumps the person's generation.
    """
    return f"calendar:colleague:{user_id}:g{generation}"


@lru_cache(maxsize=256)
def _window_text(start: datetime, end: datetime) -> str:
    """A window as keys spell it: written once for the fifty people of a free/busy, not fifty times."""
    return f"{start.timestamp():.6f}:{end.timestamp():.6f}"


def user_calendars_key(user_id: UUID, generation: str) -> str:
    """The calendars a person is a member of."""
    return f"calendar:user_calendars:{user_id}:g{generation}"


class CalendarReads:
    """Caches a person's calendar reads (their serialized answers) with one recomputation per missing key."""

    def __init__(self, cache: Cache, *, ttl_seconds: int) -> None:
        self._cache = cache
        self._ttl_seconds = ttl_seconds
        self.computations = 0
        """How many answers were computed (cache misses, or the cache bypassed), for metrics and tests."""
        self.hits = 0
        """How many answers came from the cache."""

    @property
    def enabled(self) -> bool:
        return self._ttl_seconds > 0

    async def events_window(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        calendar_id: UUID | None,
        compute: Callable[[], Awaitable[bytes]],
    ) -> bytes:
        """The serialized events window of a person, from the cache or computed once by `compute`."""
        return await self._read(
            user_id, lambda generation: events_key(user_id, generation, start, end, calendar_id), compute
        )

    async def user_calendars(self, user_id: UUID, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        """The serialized list of a person's calendars, from the cache or computed once by `compute`."""
        return await self._read(user_id, lambda generation: user_calendars_key(user_id, generation), compute)

    async def read_many(self, templates: Mapping[UUID, Sequence[str]]) -> dict[UUID, tuple[str, list[bytes | None]]]:
        """Each person's generation and cached values at their key templates (GENERATION_MARK in each).

        People missing from the answer are not to be served from (nor written to) the cache: it is off,
        down, or a bump of theirs is pending. A value None is a miss, to compute and `store_many`.
        """
        if not self.enabled or not templates:
            return {}
        found = await self._cache.get_current_many(templates)
        for _, values in found.values():
            self.hits += sum(value is not None for value in values)
        return found

    async def read_indexed(
        self, index_keys: Sequence[str], templates: Sequence[str]
    ) -> list[tuple[UUID, str, list[bytes | None]] | None]:
        """The person at each index key with their generation and cached values (see Cache.get_current_indexed).

        None for an index key the cache cannot answer: look the person up, and `store_many` the index.
        """
        if not self.enabled or not index_keys:
            return [None] * len(index_keys)
        found = await self._cache.get_current_indexed(index_keys, templates)
        for person in found:
            if person is not None:
                self.hits += sum(value is not None for value in person[2])
        return found

    async def store_many(self, values: Mapping[str, bytes]) -> None:
        """Keep computed values at their keys (made with the generation `read_many` answered)."""
        if self.enabled and values:
            self.computations += len(values)
            await self._cache.set_many(values, ttl_seconds=self._ttl_seconds)

    async def forget_people(self, user_ids: Iterable[UUID]) -> None:
        """Make every cached read of these people stale; called after a write commits, before it answers."""
        await self._cache.bump_generations(set(user_ids))

    async def forget_everyone(self) -> None:
        """Make every cached read stale: for writes whose audience can no longer be read (deleted rows)."""
        await self._cache.bump_everyone()

    async def _read(
        self, user_id: UUID, key_at: Callable[[str], str], compute: Callable[[], Awaitable[bytes]]
    ) -> bytes:
        if not self.enabled:
            return await self._compute(compute)
        generation, cached = await self._cache.get_current(user_id, key_at(GENERATION_MARK))
        if generation is None:  # the cache is down, or a bump of this person is still pending
            return await self._compute(compute)
        if cached is not None:
            self.hits += 1
            return cached
        return await self._compute_once(key_at(generation), compute)

    async def _compute_once(self, key: str, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        lock = f"{key}:lock"
        if await self._cache.add_lock(lock, ttl_ms=STAMPEDE_LOCK_MS):
            try:
                # The previous holder may have stored it between our miss and our lock.
                if (cached := await self._cache.get(key)) is not None:
                    self.hits += 1
                    return cached
                value = await self._compute(compute)
                await self._cache.set(key, value, ttl_seconds=self._ttl_seconds)
                return value
            finally:
                await self._cache.release_lock(lock)
        deadline = time.monotonic() + STAMPEDE_WAIT_S
        pause = STAMPEDE_POLL_S
        while time.monotonic() < deadline:
            await asyncio.sleep(pause)
            pause = min(pause * 2, STAMPEDE_POLL_MAX_S)
            cached, locked = await self._cache.get_while_locked(key, lock)
            if cached is not None:
                self.hits += 1
                return cached
            if not locked:
                break  # the one computing gave up without storing its answer: no use waiting on
        # The one recomputing is slow or gone: answer from the database rather than wait longer.
        return await self._compute(compute)

    async def _compute(self, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        self.computations += 1
        return await compute()
