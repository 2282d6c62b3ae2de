"""One request at a time, no load: where a free/busy and a suggestions request spend their time in planner.

    uv run python bench/profile_find_a_time.py [--repeat 20] [--profile] [--cached] [--answers FILE]

Seeds the data of bench/find_a_time.py (through the public API of a planner it starts), then calls the
use cases in this process against the same database (analyzed), one after the other, with the answer shaped and
encoded as the API does: the median and the best of `--repeat` calls, the median CPU time of this process per
call (what other processes' load hurts least), and with `--profile` the functions that took the most time
(cProfile). With `--cached`, the people, busy time, rooms and each person's part of a
free/busy answer are read through the Redis cache as planner reads them (warmed by the first call),
else always from PostgreSQL. With `--answers FILE`, it also writes the JSON answers of a few hundred
varied suggestion requests to FILE, one a line, with the run's random tag and room ids replaced, so two
versions of the code can be checked to answer alike (`cmp` the files of two runs).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import pstats
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.engine import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.redis.cache import RedisCache, create_cache_client, default_cache_url
from application.availability.dto import AskFreeBusy, SuggestTimes
from application.availability.free_busy import free_busy
from application.availability.suggest_times import suggest_times
from application.cache import CalendarReads
from bench import harness
from bench.find_a_time import FREE_BUSY_PEOPLE, PARTICIPANTS, WEEKS, analyze, seed
from bench.scheduling import start_planner
from bench.seeding import benchmark_week
from domain.availability.suggestions import Preference
from entrypoints.http.schemas.availability import FreeBusy, PersonBusy, Suggestions


async def timed(label: str, call: Callable[[], Awaitable[bytes]], repeat: int, profile: bool) -> None:
    await call()  # warm
    took, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        body = await call()
        took.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    print(
        f"{label:<44} median {statistics.median(took):6.1f} ms   best {min(took):6.1f} ms   "
        f"CPU median {statistics.median(cpu):5.2f} ms   {len(body):,} bytes"
    )
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            await call()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


async def measure(
    urls: tuple[str, str],
    people: Sequence[UUID],
    emails: Sequence[str],
    rooms: Sequence[str],
    args: argparse.Namespace,
) -> None:
    database_url, redis_url = urls
    first_monday = benchmark_week()
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    cache = RedisCache(create_cache_client(default_cache_url(redis_url)))
    reads = CalendarReads(cache, ttl_seconds=360) if args.cached else None
    try:
        await _measure(
            lambda: PostgresUnitOfWork(sessions, reads=reads),
            reads,
            people=people,
            emails=emails,
            rooms=rooms,
            first_monday=first_monday,
            args=args,
        )
    finally:
        await cache.close()
        await engine.dispose()


async def _measure(
    unit_of_work: Callable[[], PostgresUnitOfWork],
    reads: CalendarReads | None,
    *,
    people: Sequence[UUID],
    emails: Sequence[str],
    rooms: Sequence[str],
    first_monday: datetime,
    args: argparse.Namespace,
) -> None:
    async def ask_free_busy() -> bytes:
        query = AskFreeBusy(
            actor_id=people[0],
            emails=emails[:FREE_BUSY_PEOPLE],
            room_ids=[UUID(r) for r in rooms[:10]],
            start=first_monday,
            end=first_monday + timedelta(days=7),
        )
        # As the API answers: each person's part encoded once, and from the cache with --cached.
        return FreeBusy.encoded(await free_busy(query, uow=unit_of_work(), reads=reads, encode=PersonBusy.encoded))

    async def ask_suggestions() -> bytes:
        command = SuggestTimes(
            actor_id=people[0],
            participants=emails[:PARTICIPANTS],
            duration_minutes=60,
            start=first_monday,
            end=first_monday + timedelta(days=7 * WEEKS),
            capacity=4,
            room_required=True,
        )
        return msgspec.json.encode(Suggestions.of(await suggest_times(command, uow=unit_of_work(), reads=reads)))

    await timed(f"free/busy: {FREE_BUSY_PEOPLE} people + 10 rooms, 1 week", ask_free_busy, args.repeat, args.profile)
    await timed(
        f"suggestions: {PARTICIPANTS} people, {WEEKS} weeks, all rooms", ask_suggestions, args.repeat, args.profile
    )
    if args.answers:
        await write_answers(
            unit_of_work, reads, Path(args.answers), people=people, emails=emails, rooms=rooms, first=first_monday
        )


async def write_answers(
    unit_of_work: Callable[[], PostgresUnitOfWork],
    reads: CalendarReads | None,
    path: Path,
    *,
    people: Sequence[UUID],
    emails: Sequence[str],
    rooms: Sequence[str],
    first: datetime,
) -> None:
    """Varied suggestion requests' answers, one JSON a line, comparable between runs (see the docstring).

    Through the cache (`reads`), each request is asked three times (the first finds the people, the
    second keeps their records, the third reads everything from the cache) and the answers must agree.
    """
    tag = re.fullmatch(r"bench-(.*)-\d{3}@example\.com", emails[0])
    if tag is None:
        raise SystemExit(f"not a seeded email: {emails[0]}")
    room_index = {room: f"room-{n:02d}" for n, room in enumerate(rooms)}
    shapes = itertools.product(
        (1, 3, PARTICIPANTS, 25),  # people asked
        (15, 60, 95),  # minutes
        (Preference.EARLIEST, Preference.MORNING, Preference.AFTERNOON),
        (False, True),  # room required
        range(3),  # another asker and window
    )
    lines = []
    for n, (size, minutes, prefer, room_required, _) in enumerate(shapes):
        asker = n * 7 % len(people)
        group = [emails[(asker + k) % len(emails)] for k in range(size)]
        offset = timedelta(hours=n % 11, minutes=7 * (n % 3))
        command = SuggestTimes(
            actor_id=people[asker],
            participants=[*group[: max(1, size - 2)], "nobody-here@example.com"],
            optional_participants=group[max(1, size - 2) :],
            duration_minutes=minutes,
            start=first + offset,
            end=first + offset + timedelta(days=(n % WEEKS + 1) * 7 - 1),
            capacity=(None, 2, 4, 8)[n % 4],
            room_required=room_required,
            prefer=prefer,
            limit=(10, 50, 3)[n % 3],
        )
        answers = {
            msgspec.json.encode(Suggestions.of(await suggest_times(command, uow=unit_of_work(), reads=reads)))
            for _ in range(1 if reads is None else 3)
        }
        if len(answers) != 1:
            raise SystemExit(f"request {n} was answered differently through the cache")
        text = answers.pop().decode()
        for room, index in room_index.items():
            text = text.replace(room, index)
        lines.append(text.replace(tag.group(1), "TAG"))
    await asyncio.to_thread(path.write_text, "\n".join(lines) + "\n")
    print(f"{len(lines)} suggestion answers written to {path}")


def run(args: argparse.Namespace, workdir: Path) -> None:
    with harness.data_servers_migrated(workdir) as servers:
        app_url = start_planner(servers.stack, workdir, servers.database_url, servers.redis_url)
        seeded = asyncio.run(seed(app_url, users=args.users, rooms=args.rooms, first_monday=benchmark_week()))
        asyncio.run(analyze(servers.database_url))
        ids = [UUID(p.user_id) for p in seeded.people]
        emails = [p.email for p in seeded.people]
        asyncio.run(measure((servers.database_url, servers.redis_url), ids, emails, seeded.rooms, args))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=20, help="calls of each request measured (default 20)")
    parser.add_argument("--users", type=int, default=60, help="people to seed (default 60)")
    parser.add_argument("--rooms", type=int, default=50, help="rooms to seed (default 50)")
    parser.add_argument("--profile", action="store_true", help="also print the 25 costliest functions (own time)")
    parser.add_argument("--cached", action="store_true", help="read busy time through the Redis cache")
    parser.add_argument("--answers", help="also write varied suggestion answers to this file, to compare versions")
    args = parser.parse_args(argv)
    return harness.main(lambda workdir: run(args, workdir), lambda _: None)


if __name__ == "__main__":
    sys.exit(main())
