"""The week view with and without the Redis cache of calendar reads, in one run, and their ratio.

    uv run python bench/cache.py [--duration 15] [--connections 200]

It starts the servers (embedded unless DATABASE_URL/REDIS_URL are set), seeds people, rooms and a week
of events through the public API like bench/scheduling.py, then measures `GET /api/events` for the
week twice with wrk: on planner with the cache off (CACHE_TTL_SECONDS=0) and on planner with it on
(CACHE_TTL_SECONDS=360, REDIS_CACHE_URL defaulting to REDIS_URL database 1). Each planner runs alone,
as production runs it (2 uvicorn workers). It prints both and the ratio. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import warnings
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from adapters.postgres.migrate import upgrade
from bench.errors import BenchmarkFailed
from bench.load_generator import LoadShape, Measurement, Scenario, Wrk, ensure_wrk, wrk_version
from bench.planner_log import logged_errors
from bench.processes import (
    TWO_PROCESS_POOLS,
    data_servers,
    ignore_signals,
    log_tail,
    planner_environment,
    planner_web,
    raise_interrupt,
)
from bench.seeding import benchmark_week, iso, seed, week_view_size
from entrypoints.logs import configure_logging

CACHE_TTL_SECONDS = 360
BUSY_MACHINE = 0.15  # the cores' busy fraction, with nothing measured running, above which figures are suspect


def with_cache(env: dict[str, str], ttl_seconds: int) -> dict[str, str]:
    """The same planner (same SECRET_KEY, so the seeded tokens stay valid) with the cache on or off."""
    return {**env, "CACHE_TTL_SECONDS": str(ttl_seconds)}


def measure_week_view(
    wrk: Wrk, workdir: Path, env: dict[str, str], label: str, *, week_view_args: tuple[str, str, str]
) -> Measurement:
    """planner started with `env`, its week view measured, planner stopped again."""
    with planner_web(workdir, env, workers=2) as planner:
        print(f"{label}: planner with 2 uvicorn workers at {planner.url}", flush=True)
        return wrk.measure(Scenario(label, f"{planner.url}/api/events", "week_view.lua", week_view_args))


def run_benchmark(args: argparse.Namespace, wrk: Wrk, workdir: Path) -> tuple[Measurement, Measurement, str]:
    """Seed once, then measure the week view uncached and cached; answer both and a line about the data."""
    stack = contextlib.ExitStack()
    try:
        database_url, redis_url = stack.enter_context(data_servers(workdir))
        upgrade(database_url)
        week = benchmark_week()
        start, end = iso(week), iso(week + timedelta(days=7))
        planner_env = {**TWO_PROCESS_POOLS, **planner_environment(database_url, redis_url)}
        uncached_env = with_cache(planner_env, 0)
        with planner_web(workdir, uncached_env, workers=2) as planner:
            seeded = asyncio.run(
                seed(planner.url, users=args.users, rooms=args.rooms, events_per_user=args.events_per_user, week=week)
            )
            events, kib = week_view_size(planner.url, seeded.people, start, end)
        people_file = workdir / "people.tsv"
        people_file.write_text("".join(f"{p.token}\t{p.email}\n" for p in seeded.people))
        data = (
            f"data: {len(seeded.people)} users, {seeded.events} events in one week; "
            f"one week view answers {events:.0f} events ({kib:.0f} KiB) on average"
        )
        shape = wrk.shape
        print(f"measuring: {shape.connections} connections, {shape.threads} wrk threads, {shape.duration} s each")
        week_view_args = (str(people_file), start, end)
        uncached = measure_week_view(wrk, workdir, uncached_env, "uncached", week_view_args=week_view_args)
        cached_env = with_cache(planner_env, CACHE_TTL_SECONDS)
        cached = measure_week_view(wrk, workdir, cached_env, "cached", week_view_args=week_view_args)
        return uncached, cached, data
    finally:
        ignore_signals()
        stack.close()


def print_report(uncached: Measurement, cached: Measurement, data: str, wrk: Wrk, workdir: Path) -> None:
    shape = wrk.shape
    print()
    print(
        f"planner week view, cached vs uncached: {os.cpu_count()} cores, {wrk_version(wrk.executable)}, "
        f"{shape.connections} connections, {shape.threads} threads, {shape.duration} s each"
    )
    print(data)
    print()
    header = f"{'week view GET /api/events':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    print(header)
    print("-" * len(header))
    for label, m in (
        ("uncached (CACHE_TTL_SECONDS=0)", uncached),
        (f"cached (CACHE_TTL_SECONDS={CACHE_TTL_SECONDS})", cached),
    ):
        print(f"{label:<40} {m.rps:>9,.0f} {m.p50_ms:>8.1f} {m.p99_ms:>8.1f} {m.errors:>7}")
    busy = [f"{m.scenario} {m.background_cpu:.0%}" for m in (uncached, cached) if m.background_cpu > BUSY_MACHINE]
    if busy:
        print(f"warning: other processes kept the cores busy before: {', '.join(busy)}; the figures are low")
    ratio = cached.good_rps / uncached.good_rps if uncached.good_rps else float("inf")
    p99 = uncached.p99_ms / cached.p99_ms if cached.p99_ms else float("inf")
    print(f"\ncached / uncached: {ratio:.1f}x the 2xx answers per second, p99 {p99:.1f}x lower")
    for m in (uncached, cached):
        if m.errors:
            detail = ", ".join(f"{kind} {n}" for kind, n in {**m.socket_errors, **m.statuses}.items() if n)
            print(f"\n{m.scenario}: {m.errors} errors ({detail}); first error answer: {m.first_error or '-'}")
    if errors := logged_errors(workdir / "planner.log"):
        print("\nplanner logged, most often:")
        for count, reason in errors:
            print(f"  {count:>6} x {reason}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per measurement (default 15)")
    parser.add_argument("--connections", type=int, default=200, help="concurrent connections (default 200)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load before each (default 3)")
    parser.add_argument("--users", type=int, default=200, help="people to seed (default 200)")
    parser.add_argument("--rooms", type=int, default=20, help="rooms to seed (default 20)")
    parser.add_argument("--events-per-user", type=int, default=50, help="events each person organizes (default 50)")
    parser.add_argument("--verbose", action="store_true", help="also print wrk's own output")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1 or args.threads < 1 or args.warmup < 0:
        parser.error("--duration, --connections and --threads must be positive, --warmup not negative")
    if args.users < 4 or args.rooms < 1 or args.events_per_user < 1:
        parser.error("seed at least 4 users, 1 room and 1 event per user")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging("WARNING", json=False)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")  # platformdirs, inside the embedded servers
    signal.signal(signal.SIGTERM, raise_interrupt)
    workdir = Path(tempfile.mkdtemp(prefix="planner-bench-cache-"))
    try:
        shape = LoadShape(args.duration, args.connections, min(args.threads, args.connections), args.warmup)
        wrk = Wrk(ensure_wrk(), shape, verbose=args.verbose)
        uncached, cached, data = run_benchmark(args, wrk, workdir)
        print_report(uncached, cached, data, wrk, workdir)
    except BenchmarkFailed as exc:
        print(f"\nthe benchmark could not run: {exc}", file=sys.stderr)
        if planner_log := log_tail(workdir / "planner.log"):
            print(f"\nthe end of planner's log:\n{planner_log}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: everything the benchmark started is stopped", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
