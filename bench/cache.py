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
import sys
from collections.abc import Sequence
from pathlib import Path

from bench import harness
from bench.load_generator import Measurement, Scenario, Wrk
from bench.planner_log import logged_errors
from bench.processes import TWO_PROCESS_POOLS, planner_environment, planner_web

CACHE_TTL_SECONDS = 360


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
    with harness.data_servers_migrated(workdir) as servers:
        planner_env = {**TWO_PROCESS_POOLS, **planner_environment(servers.database_url, servers.redis_url)}
        uncached_env = with_cache(planner_env, 0)
        with planner_web(workdir, uncached_env, workers=2) as planner:
            seeded = harness.seed_week(planner.url, args, workdir)
        data = (
            f"data: {len(seeded.seeded.people)} users, {seeded.seeded.events} events in one week; "
            f"one week view answers {seeded.events:.0f} events ({seeded.kib:.0f} KiB) on average"
        )
        harness.announce_load(wrk)
        week_view_args = seeded.week_view_args
        uncached = measure_week_view(wrk, workdir, uncached_env, "uncached", week_view_args=week_view_args)
        cached_env = with_cache(planner_env, CACHE_TTL_SECONDS)
        cached = measure_week_view(wrk, workdir, cached_env, "cached", week_view_args=week_view_args)
        return uncached, cached, data


def print_report(uncached: Measurement, cached: Measurement, data: str, wrk: Wrk, workdir: Path) -> None:
    print()
    print(f"planner week view, cached vs uncached: {harness.load_line(wrk)} each")
    print(data)
    print()
    figures = (
        ("uncached (CACHE_TTL_SECONDS=0)", uncached),
        (f"cached (CACHE_TTL_SECONDS={CACHE_TTL_SECONDS})", cached),
    )
    harness.print_figures("week view GET /api/events", 40, figures)
    harness.warn_if_busy([uncached, cached])
    ratio = cached.good_rps / uncached.good_rps if uncached.good_rps else float("inf")
    p99 = uncached.p99_ms / cached.p99_ms if cached.p99_ms else float("inf")
    print(f"\ncached / uncached: {ratio:.1f}x the 2xx answers per second, p99 {p99:.1f}x lower")
    harness.print_errors([uncached, cached])
    harness.print_logged("planner", logged_errors(workdir / "planner.log"))


def main(argv: Sequence[str] | None = None) -> int:
    args = harness.load_and_seed_arguments(argv, doc=__doc__, per="measurement")

    def measure(workdir: Path) -> tuple[Measurement, Measurement, str, Wrk, Path]:
        wrk = harness.wrk_for(args)
        return (*run_benchmark(args, wrk, workdir), wrk, workdir)

    return harness.main(measure, lambda outcome: print_report(*outcome), workdir_prefix="planner-bench-cache-")


if __name__ == "__main__":
    sys.exit(main())
