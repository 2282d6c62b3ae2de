"""The cache adapter and its policy on a real Redis: one recomputation per cold key, generations, failing open."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from adapters.embedded.redis import EmbeddedRedis
from adapters.redis.cache import SLOW_ANSWERS_TO_SWITCH_OFF, RedisCache, create_cache_client, default_cache_url
from application.cache import GENERATION_MARK, USER_MARK, CalendarReads
from tests.support.servers import ServerUrls
from tests.support.waiting import wait_for

START = datetime(2026, 11, 23, tzinfo=UTC)
END = START + timedelta(days=7)


PATIENT_S = 2.0
"""For the tests of the cache's policy, not of its timeout: a starved CI machine must not switch it off."""


@pytest.fixture
async def cache(servers: ServerUrls) -> AsyncIterator[RedisCache]:
    cache = RedisCache(create_cache_client(default_cache_url(servers.redis_url)), timeout_s=PATIENT_S)
    yield cache
    await cache.close()


async def test_fifty_concurrent_reads_of_a_cold_key_compute_it_once(cache: RedisCache) -> None:
    reads = CalendarReads(cache, ttl_seconds=60)
    user_id = uuid4()
    started, released = asyncio.Event(), asyncio.Event()

    async def compute() -> bytes:
        started.set()
        await released.wait()
        return b'{"items": []}'

    readers = [asyncio.create_task(reads.events_window(user_id, START, END, None, compute)) for _ in range(50)]
    await asyncio.wait_for(started.wait(), 5)  # one reader computes; the others find the key cold and wait
    released.set()
    answers = await asyncio.gather(*readers)

    assert answers == [b'{"items": []}'] * 50
    assert reads.computations == 1
    assert reads.hits == 49


async def test_waiters_wait_out_a_slow_computation_instead_of_computing_it_again(cache: RedisCache) -> None:
    """A busy machine computes a cold week in more than a moment: the others still wait for that one answer."""
    reads = CalendarReads(cache, ttl_seconds=60)
    user_id = uuid4()

    async def compute() -> bytes:
        await asyncio.sleep(0.8)
        return b'{"items": []}'

    answers = await asyncio.gather(*(reads.events_window(user_id, START, END, None, compute) for _ in range(20)))

    assert answers == [b'{"items": []}'] * 20
    assert reads.computations == 1


async def test_waiters_compute_at_once_when_the_one_computing_fails(cache: RedisCache) -> None:
    reads = CalendarReads(cache, ttl_seconds=60)
    user_id = uuid4()
    started = asyncio.Event()
    calls = 0

    async def compute() -> bytes:
        nonlocal calls
        calls += 1
        if calls == 1:
            started.set()
            await asyncio.sleep(0.1)
            raise RuntimeError("the database went away")
        return b'{"items": []}'

    first = asyncio.create_task(reads.events_window(user_id, START, END, None, compute))
    await asyncio.wait_for(started.wait(), 5)
    loop = asyncio.get_running_loop()
    waited_from = loop.time()
    second = await reads.events_window(user_id, START, END, None, compute)

    assert second == b'{"items": []}'
    assert loop.time() - waited_from < 1.0  # not the lock's 2 s: its release ended the wait
    with pytest.raises(RuntimeError):
        await first


async def test_a_bump_makes_a_person_s_cached_reads_unreachable(cache: RedisCache) -> None:
    reads = CalendarReads(cache, ttl_seconds=60)
    user_id, other_id = uuid4(), uuid4()
    versions = iter([b"1", b"2", b"3"])

    async def compute() -> bytes:
        return next(versions)

    assert await reads.events_window(user_id, START, END, None, compute) == b"1"
    assert await reads.events_window(other_id, START, END, None, compute) == b"2"
    await reads.forget_people([user_id])

    assert await reads.events_window(user_id, START, END, None, compute) == b"3"
    assert await reads.events_window(other_id, START, END, None, compute) == b"2"


async def test_many_people_s_values_are_read_at_their_generations_in_one_call(cache: RedisCache) -> None:
    """read_many: each person's generation (begun if missing) and their values in the order of their templates."""
    reads = CalendarReads(cache, ttl_seconds=60)
    ada, bob, cy, nobody = uuid4(), uuid4(), uuid4(), uuid4()
    templates = {
        ada: [f"test:many:{ada}:{GENERATION_MARK}:week1", f"test:many:{ada}:{GENERATION_MARK}:week2"],
        bob: [f"test:many:{bob}:{GENERATION_MARK}:week1"],
        cy: [],
        nobody: [f"test:many:{nobody}:{GENERATION_MARK}:week1"],
    }

    first = await reads.read_many(templates)
    assert list(first) == [ada, bob, cy, nobody]
    assert all(values == [None] * len(templates[who]) for who, (_, values) in first.items())
    generations = {who: generation for who, (generation, _) in first.items()}
    await reads.store_many(
        {
            templates[ada][0].replace(GENERATION_MARK, generations[ada]): b"ada-1",
            templates[ada][1].replace(GENERATION_MARK, generations[ada]): b"ada-2",
            templates[bob][0].replace(GENERATION_MARK, generations[bob]): b"bob-1",
        }
    )

    again = await reads.read_many(templates)
    assert again == {
        ada: (generations[ada], [b"ada-1", b"ada-2"]),
        bob: (generations[bob], [b"bob-1"]),
        cy: (generations[cy], []),
        nobody: (generations[nobody], [None]),
    }

    await reads.forget_people([ada])
    after = await reads.read_many(templates)
    assert after[ada][0] != generations[ada]
    assert after[ada][1] == [None, None]
    assert after[bob] == (generations[bob], [b"bob-1"])


async def test_people_are_read_through_an_index_with_their_generations_and_values_in_one_call(
    cache: RedisCache,
) -> None:
    """read_indexed: the person kept at each index key, their generation, and their values at the templates."""
    reads = CalendarReads(cache, ttl_seconds=60)
    ada, bob = uuid4(), uuid4()
    tag = uuid4().hex
    index = [f"test:index:{tag}:ada", f"test:index:{tag}:nobody", f"test:index:{tag}:bob"]
    templates = [f"test:record:{USER_MARK}:{GENERATION_MARK}", f"test:part:{USER_MARK}:{GENERATION_MARK}:week1"]
    assert await reads.read_indexed(index, templates) == [None, None, None]

    await reads.store_many({index[0]: str(ada).encode(), index[2]: str(bob).encode()})
    first = await reads.read_indexed(index, templates)
    ada_generation, _ = await cache.get_current(ada, f"test:unused:{GENERATION_MARK}")  # the one get_current sees
    assert first[0] == (ada, ada_generation, [None, None])
    assert first[1] is None
    assert first[2] is not None
    assert first[2][0] == bob
    assert first[2][2] == [None, None]
    bob_generation = first[2][1]
    await reads.store_many(
        {
            f"test:record:{ada}:{ada_generation}": b"ada's record",
            f"test:part:{bob}:{bob_generation}:week1": b"bob's week",
        }
    )

    assert await reads.read_indexed(index, templates) == [
        (ada, ada_generation, [b"ada's record", None]),
        None,
        (bob, bob_generation, [None, b"bob's week"]),
    ]
    assert await reads.read_indexed(index[2:], []) == [(bob, bob_generation, [])]

    await reads.forget_people([bob])
    after = await reads.read_indexed(index, templates)
    assert after[0] == (ada, ada_generation, [b"ada's record", None])
    assert after[2] is not None
    assert after[2][1] != bob_generation
    assert after[2][2] == [None, None]


async def test_values_read_through_an_index_are_kept_by_the_process_until_the_person_s_generation_moves(
    cache: RedisCache, servers: ServerUrls
) -> None:
    reads = CalendarReads(cache, ttl_seconds=60)
    ada, tag = uuid4(), uuid4().hex
    index, templates = [f"test:kept:{tag}:ada"], [f"test:kept:{USER_MARK}:{GENERATION_MARK}"]
    await reads.store_many({index[0]: str(ada).encode()})
    ((_, generation, _),) = [found for found in await reads.read_indexed(index, templates) if found is not None]
    value_key = f"test:kept:{ada}:{generation}"
    await reads.store_many({value_key: b"ada's part"})
    assert await reads.read_indexed(index, templates) == [(ada, generation, [b"ada's part"])]

    # Gone from Redis (its TTL, say): this process still has it, under the same generation.
    other = create_cache_client(default_cache_url(servers.redis_url))
    try:
        await other.delete(value_key)
    finally:
        await other.aclose()
    assert await reads.read_indexed(index, templates) == [(ada, generation, [b"ada's part"])]

    await reads.forget_people([ada])
    ((_, moved, values),) = [found for found in await reads.read_indexed(index, templates) if found is not None]
    assert moved != generation
    assert values == [None]


async def test_a_ttl_of_zero_turns_the_cache_off(cache: RedisCache) -> None:
    reads = CalendarReads(cache, ttl_seconds=0)

    async def compute() -> bytes:
        return b"fresh"

    for _ in range(3):
        assert await reads.events_window(uuid4(), START, END, None, compute) == b"fresh"
    assert (reads.computations, reads.hits) == (3, 0)


async def test_a_bump_lost_while_redis_was_down_is_made_before_anything_is_served_again(tmp_path: Path) -> None:
    own_redis = EmbeddedRedis(tmp_path)
    cache = RedisCache(create_cache_client(default_cache_url(own_redis.start())))
    reads = CalendarReads(cache, ttl_seconds=60)
    user_id = uuid4()
    answers = iter([b"before", b"after", b"unused"])

    async def compute() -> bytes:
        return next(answers)

    try:
        assert await reads.events_window(user_id, START, END, None, compute) == b"before"
        generation_before = await generation_of(cache, user_id)
        own_redis.stop()
        await reads.forget_people([user_id])  # fails: remembered
        assert await generation_of(cache, user_id) is None
        own_redis.start()
        # the pending bump is made before this process trusts any generation again
        await _wait_until_open(cache)
        generation_after = await generation_of(cache, user_id)
        assert generation_after is not None
        assert generation_after != generation_before
        assert await reads.events_window(user_id, START, END, None, compute) == b"after"
    finally:
        await cache.close()
        own_redis.stop()


async def _wait_until_open(cache: RedisCache) -> None:
    async def answers() -> bool:
        return await generation_of(cache, uuid4()) is not None

    await wait_for(answers, timeout=10, what="the cache to answer again")


async def test_a_frozen_redis_costs_a_few_reads_about_fifty_milliseconds_then_nothing(tmp_path: Path) -> None:
    own_redis = EmbeddedRedis(tmp_path)
    cache = RedisCache(create_cache_client(default_cache_url(own_redis.start())))
    reads = CalendarReads(cache, ttl_seconds=60)
    user_id = uuid4()

    async def compute() -> bytes:
        return b"from the database"

    pid = int(own_redis.pidfile.read_text())
    try:
        assert await generation_of(cache, user_id) is not None  # connected while it answered
        os.kill(pid, signal.SIGSTOP)  # accepts nothing, answers nothing: a hung server
        loop = asyncio.get_running_loop()
        waits = []
        for _ in range(SLOW_ANSWERS_TO_SWITCH_OFF + 1):
            started = loop.time()
            assert await reads.events_window(user_id, START, END, None, compute) == b"from the database"
            waits.append(loop.time() - started)
        *slow, switched_off = waits
        assert all(0.04 <= wait < 0.5 for wait in slow), waits
        assert switched_off < 0.04, waits  # the circuit is open: Redis is not even asked
        assert cache.failures == SLOW_ANSWERS_TO_SWITCH_OFF
    finally:
        os.kill(pid, signal.SIGCONT)
        await cache.close()
        own_redis.stop()


async def test_reads_that_waited_through_one_stall_together_do_not_switch_the_cache_off(tmp_path: Path) -> None:
    # Under load a hundred reads wait on Redis at once; when it misses the CPU for 50 ms they all time
    # out together. That is one sign of trouble, not a hundred: the cache must stay on for the next reads.
    own_redis = EmbeddedRedis(tmp_path)
    cache = RedisCache(create_cache_client(default_cache_url(own_redis.start())))
    pid = int(own_redis.pidfile.read_text())
    try:
        assert await generation_of(cache, uuid4()) is not None
        os.kill(pid, signal.SIGSTOP)
        try:
            waiting = await asyncio.gather(
                *(generation_of(cache, uuid4()) for _ in range(SLOW_ANSWERS_TO_SWITCH_OFF * 5))
            )
        finally:
            os.kill(pid, signal.SIGCONT)
        assert waiting == [None] * SLOW_ANSWERS_TO_SWITCH_OFF * 5  # each went to the database, as it must
        assert await generation_of(cache, uuid4()) is not None  # but the next read is still served from Redis
    finally:
        await cache.close()
        own_redis.stop()


async def generation_of(cache: RedisCache, user_id: UUID) -> str | None:
    """The person's generation as a read sees it (None when it cannot be trusted)."""
    generation, _ = await cache.get_current(user_id, "probe:{generation}")
    return generation
