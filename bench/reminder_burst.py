"""Burst of due reminders: how long 2 worker processes take to store and publish a minute's worth.

    uv run python bench/reminder_burst.py                                  # 100,000 reminders, 20,000 people
    uv run python bench/reminder_burst.py --reminders 10000 --people 2000  # a quicker look
    uv run python bench/reminder_burst.py --baseline-dir /tmp/planner-before   # and the code before, same run

It starts everything it needs (embedded PostgreSQL and Redis unless DATABASE_URL/REDIS_URL are set,
then `planner worker --processes 2` as production runs it), seeds `--reminders` reminders all due in
the same minute straight into PostgreSQL (INSERT ... SELECT over generate_series: people, one
calendar, meetings of 5 people each starting in 15 minutes, each person's 15-minute reminder),
queues one `send_scheduled_reminders` run as the minute's cron does, and times until every
reminder's notification is stored in PostgreSQL and its live message has arrived on Redis (a
PSUBSCRIBE to every person's channel, in this process). With `--baseline-dir`, a checkout of older
code, the same reminders are then made due again and the workers of that checkout are timed the
same way (for at most `--baseline-seconds`), so both rates come from one run on one machine.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis
from sqlalchemy import DateTime, TextClause, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import harness
from bench.foreign_load import MachineLoad
from bench.planner_log import logged_errors
from bench.processes import REPO_ROOT, background_process, planner_environment
from bench.worker_throughput import workers_reporting
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings

WORKERS = 2
PER_MEETING = 5  # the organizer and 4 others: one reminder each
TARGET_SECONDS = 60.0  # issue 20: a minute's reminders go out within that minute
TARGET_SPEED_UP = 5.0  # issue 20: at least 5x the notifications per second of before
STALLED_AFTER_S = 90.0  # nothing new stored or published for this long: give up (longer than a cron minute)
POLL_S = 0.2
POOLS = {"DB_POOL_SIZE": "5", "DB_MAX_OVERFLOW": "5"}

_SEED = [
    # People: ids and addresses from their number; a password hash nobody can sign in with.
    """
    INSERT INTO users (id, email, name, password_hash, timezone, is_admin, created_at)
    SELECT md5('burst-person-' || g)::uuid, 'burst' || g || '@bench.example', 'Person ' || g, '!', 'Europe/Berlin',
           false, now()
    FROM generate_series(0, :people - 1) AS g
    """,
    """
    INSERT INTO calendars (id, name, color, description, owner_id, is_personal, read_only, created_at)
    VALUES (md5('burst-calendar')::uuid, 'Meetings', '#3366cc', '', md5('burst-person-0')::uuid, false, false, now())
    """,
    # Meeting m starts at :starts (15 minutes from the minute now), organized by person 5m mod people.
    """
    INSERT INTO events (id, calendar_id, organizer_id, title, description, location, starts_at, ends_at, all_day,
                        timezone, room_id, status, version, reminders, created_at, updated_at, recurrence,
                        overrides, transparency)
    SELECT md5('burst-meeting-' || m)::uuid, md5('burst-calendar')::uuid,
           md5('burst-person-' || ((m * 5) % :people))::uuid, 'Meeting ' || m, '', '', :starts,
           :starts + interval '1 hour', false, 'Europe/Berlin', NULL, 'confirmed', 1, ARRAY[15], now(), now(),
           NULL, '[]'::jsonb, 'busy'
    FROM generate_series(0, :meetings - 1) AS m
    """,
    """
    INSERT INTO event_occurrences (event_id, recurrence_id, calendar_id, starts_at, ends_at, start_date, end_date,
                                   room_id)
    SELECT md5('burst-meeting-' || m)::uuid, :starts, md5('burst-calendar')::uuid, :starts,
           :starts + interval '1 hour', NULL, NULL, NULL
    FROM generate_series(0, :meetings - 1) AS m
    """,
    # The 4 invited: persons 5m+1 .. 5m+4 (mod people).
    """
    INSERT INTO event_participants (event_id, user_id, status, position)
    SELECT md5('burst-meeting-' || m)::uuid, md5('burst-person-' || ((m * 5 + k) % :people))::uuid, 'accepted', k - 1
    FROM generate_series(0, :meetings - 1) AS m, generate_series(1, 4) AS k
    """,
    # Everyone's 15-minute reminder, not due yet: `make_due` moves the meetings and makes them due at once,
    # once the workers (whose cron would otherwise send them at the next minute) and the listener are ready.
    """
    INSERT INTO reminders (event_id, recurrence_id, user_id, minutes, due_at, sent_at)
    SELECT md5('burst-meeting-' || m)::uuid, NULL, md5('burst-person-' || ((m * 5 + k) % :people))::uuid, 15,
           :starts + interval '1 day', NULL
    FROM generate_series(0, :meetings - 1) AS m, generate_series(0, 4) AS k
    """,
    "ANALYZE",
]
_RESET = [
    "DELETE FROM notifications",
    "DELETE FROM notification_counters",
    "UPDATE reminders SET sent_at = NULL, due_at = now() + interval '1 day'",
]
_MAKE_DUE = [
    # The meetings start 15 minutes after this minute began, so every 15-minute reminder is due now.
    "UPDATE events SET starts_at = :starts, ends_at = :starts + interval '1 hour'",
    "UPDATE event_occurrences SET recurrence_id = :starts, starts_at = :starts, ends_at = :starts + interval '1 hour'",
    "UPDATE reminders SET due_at = :starts - interval '15 minutes'",
]


@dataclass
class Published:
    """Live messages that arrived on the people's channels, by notification id."""

    ids: Counter[str] = field(default_factory=Counter)
    last_at: float = 0.0

    @property
    def messages(self) -> int:
        return sum(self.ids.values())


@dataclass(frozen=True)
class Burst:
    name: str
    reminders: int
    stored: int
    published: int
    distinct_published: int
    stored_seconds: float  # from the run queued to the last notification stored
    seconds: float  # to the last stored or published, whichever came later (or to giving up)
    finished: bool

    @property
    def rate(self) -> float:
        return min(self.stored, self.distinct_published) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Results:
    reminders: int
    people: int
    seed_seconds: float
    bursts: list[Burst]
    load: MachineLoad
    logged: dict[str, list[tuple[int, str]]]
    uptime: dict[str, str]


def uptime() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


def _sql(statement: str) -> TextClause:
    """The statement, its `:starts` (if any) sent as a timestamptz (PostgreSQL cannot tell from `+ interval`)."""
    clause = text(statement)
    return clause.bindparams(bindparam("starts", type_=DateTime(timezone=True))) if ":starts" in statement else clause


async def seed(engine: AsyncEngine, people: int, reminders: int) -> float:
    started = time.monotonic()
    async with engine.begin() as connection:
        starts = await connection.scalar(text("SELECT date_trunc('minute', now()) + interval '15 minutes'"))
        for statement in _SEED:
            params = {"people": people, "meetings": reminders // PER_MEETING, "starts": starts}
            await connection.execute(_sql(statement), params)
    return time.monotonic() - started


async def not_due_again(engine: AsyncEngine) -> None:
    """Forget what the previous run stored and sent: the same reminders, waiting again."""
    async with engine.begin() as connection:
        for statement in _RESET:
            await connection.execute(text(statement))
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE reminders"))


@contextlib.asynccontextmanager
async def listening(redis_url: str) -> AsyncIterator[Published]:
    """Every message published on a person's channel, counted by notification id as it arrives."""
    published = Published()
    client = Redis.from_url(redis_url)
    pubsub = client.pubsub()
    await pubsub.psubscribe("notifications:*")
    marker = b'"notification":{"id":"'

    async def read() -> None:
        async for message in pubsub.listen():
            if message["type"] != "pmessage":
                continue
            data: bytes = message["data"]
            at = data.find(marker)
            if at >= 0:
                start = at + len(marker)
                published.ids[data[start : start + 36].decode()] += 1
                published.last_at = time.monotonic()

    reading = asyncio.create_task(read())
    try:
        yield published
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        await pubsub.aclose()
        await client.aclose()


async def make_due(engine: AsyncEngine) -> None:
    """Every reminder due at once, in one commit."""
    async with engine.begin() as connection:
        starts = await connection.scalar(text("SELECT date_trunc('minute', now()) + interval '15 minutes'"))
        for statement in _MAKE_DUE:
            await connection.execute(_sql(statement), {"starts": starts})


async def stored_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT count(*) FROM notifications")) or 0)


async def time_burst(
    name: str, engine: AsyncEngine, queue: object, redis_url: str, reminders: int, *, give_up_after: float
) -> Burst:
    """Queue the minute's run and wait until every reminder is stored and published (or nothing moves)."""
    async with listening(redis_url) as published:
        await make_due(engine)
        started = time.monotonic()
        # As the cron queues it each minute (the workers' own cron joins in at each minute, as in production).
        await queue.enqueue("send_scheduled_reminders", key=f"bench-burst-{name}", timeout=55, retries=1)  # type: ignore[attr-defined]
        stored, last_stored_at, moved_at = 0, started, started
        while True:
            await asyncio.sleep(POLL_S)
            now = time.monotonic()
            count = await stored_count(engine)
            if count > stored:
                stored, last_stored_at, moved_at = count, now, now
            moved_at = max(moved_at, published.last_at)
            done = stored >= reminders and len(published.ids) >= reminders
            if done or now - moved_at > STALLED_AFTER_S or now - started > give_up_after:
                break
        await asyncio.sleep(0.5)  # a duplicate would arrive right behind
        end = max(last_stored_at, published.last_at)
        return Burst(
            name=name,
            reminders=reminders,
            stored=stored,
            published=published.messages,
            distinct_published=len(published.ids),
            stored_seconds=last_stored_at - started,
            seconds=(end if done else time.monotonic()) - started,
            finished=done,
        )


async def measure(args: argparse.Namespace, env: dict[str, str], workdir: Path, redis_url: str) -> Results:
    container = bootstrap(Settings.from_env(env))
    engine, queue = container.connections.engine, container.connections.queue
    load = MachineLoad(workdir)
    bursts: list[Burst] = []
    loads: dict[str, str] = {}
    try:
        seed_seconds = await seed(engine, args.people, args.reminders)
        reminders = (args.reminders // PER_MEETING) * PER_MEETING
        print(f"seeded {reminders:,} due reminders of {args.people:,} people in {seed_seconds:.1f} s", flush=True)
        checkout = args.checkout or REPO_ROOT
        runs = [
            (f"batched ({'this checkout' if args.checkout is None else args.checkout})", checkout, args.max_seconds)
        ]
        if args.baseline_dir is not None:
            runs.append((f"before ({args.baseline_dir})", args.baseline_dir, args.baseline_seconds))
        for n, (name, checkout, give_up_after) in enumerate(runs):
            if n:
                await not_due_again(engine)
            with background_process(
                [sys.executable, "-m", "entrypoints.cli", "worker", "--processes", str(WORKERS)],
                env=env,
                log=workdir / f"worker-{n}.log",
                cwd=checkout,
            ):
                await workers_reporting(queue, WORKERS)
                print(f"{name}: {WORKERS} workers ready, load average {uptime()}", flush=True)
                loads[name] = uptime()
                async with load.measuring(name):
                    burst = await time_burst(
                        f"{n}-{time.time_ns()}", engine, queue, redis_url, reminders, give_up_after=give_up_after
                    )
                bursts.append(Burst(**{**burst.__dict__, "name": name}))
                loads[name] += f" -> {uptime()}"
                print(
                    f"{name}: {burst.stored:,} stored, {burst.distinct_published:,} published in {burst.seconds:.1f} s"
                )
    finally:
        await container.close()
    # Named by run, so an error of the "before" code is not read as one of this checkout's.
    logged = {f"workers of {burst.name}": logged_errors(workdir / f"worker-{n}.log") for n, burst in enumerate(bursts)}
    return Results(reminders, args.people, seed_seconds, bursts, load, logged, loads)


def run_benchmark(args: argparse.Namespace, workdir: Path) -> Results:
    with harness.data_servers_migrated(workdir) as servers:
        env = planner_environment(servers.database_url, servers.redis_url)
        for name, value in POOLS.items():
            env.setdefault(name, value)
        env.setdefault("WORKER_CONCURRENCY", "1")  # one job at a time per process (issue 20's worker limits)
        return asyncio.run(measure(args, env, workdir, servers.redis_url))


def print_report(results: Results, args: argparse.Namespace) -> None:
    print(
        f"\nplanner reminder burst: {os.cpu_count()} cores, {WORKERS} worker processes "
        f"(WORKER_CONCURRENCY={os.environ.get('WORKER_CONCURRENCY', '1')})"
    )
    print(
        f"data: {results.reminders:,} reminders due in one minute, {results.people:,} people, seeded in "
        f"{results.seed_seconds:.1f} s"
    )
    header = f"  {'run':<40} {'stored':>9} {'published':>10} {'dupes':>6} {'stored s':>9} {'all s':>7} {'/s':>7}"
    print(header)
    print(f"  {'-' * (len(header) - 2)}")
    for burst in results.bursts:
        dupes = burst.published - burst.distinct_published
        line = (
            f"  {burst.name[:40]:<40} {burst.stored:>9,} {burst.distinct_published:>10,} {dupes:>6} "
            f"{burst.stored_seconds:>9.1f} {burst.seconds:>7.1f} {burst.rate:>7,.0f}"
        )
        print(line + ("" if burst.finished else "  (stopped before the end)"))
    for name, loads in results.uptime.items():
        print(f"  load average (1, 5, 15 min) {name}: {loads}")
    batched = results.bursts[0]
    print("\ntargets of issue 20:")
    met = batched.finished and batched.seconds <= TARGET_SECONDS and results.reminders >= 100_000
    judged = results.reminders >= 100_000
    verdict = ("met" if met else "MISSED") if judged else "not judged: smaller run"
    print(f"  100,000 reminders stored and published <= {TARGET_SECONDS:.0f} s   {batched.seconds:>7.1f} s   {verdict}")
    if len(results.bursts) > 1 and results.bursts[1].rate:
        ratio = batched.rate / results.bursts[1].rate
        print(
            f"  notifications/s >= {TARGET_SPEED_UP:.0f}x before             {ratio:>7.1f}x   "
            f"{'met' if ratio >= TARGET_SPEED_UP else 'MISSED'}"
        )
    for warning in results.load.warnings():
        print(f"  warning: {warning}")
    for name, errors in results.logged.items():
        harness.print_logged(name, errors)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add = parser.add_argument
    add("--reminders", type=int, default=100_000, help="reminders due in the same minute (default 100000)")
    add("--people", type=int, default=20_000, help="people they are for (default 20000)")
    add("--max-seconds", type=float, default=300.0, help="give the batched run at most this long (default 300)")
    add("--checkout", type=Path, default=None, help="run the workers of this checkout (default: this one)")
    add("--baseline-dir", type=Path, default=None, help="a checkout of older code to time the same way, after")
    add("--baseline-seconds", type=float, default=60.0, help="give the older code at most this long (default 60)")
    args = parser.parse_args(argv)
    if args.reminders < PER_MEETING or args.people < PER_MEETING:
        parser.error(f"--reminders and --people must be at least {PER_MEETING}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logs = {"the workers": "worker-0.log", "PostgreSQL": "postgres/log"}
    return harness.main(
        lambda workdir: run_benchmark(args, workdir), lambda results: print_report(results, args), logs=logs
    )


if __name__ == "__main__":
    sys.exit(main())
