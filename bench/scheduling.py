"""Load benchmark of the scheduling core: the week view and event creation, against a bare-Litestar ceiling.

    uv run python bench/scheduling.py [--duration 15] [--connections 200]

It starts everything it needs (embedded PostgreSQL and Redis unless DATABASE_URL/REDIS_URL are set,
planner as production runs it, a ceiling app), seeds people, rooms and a week of events (a third of
them series, some with a room, some with an occurrence moved and one cancelled) through the public
HTTP API, measures its scenarios with wrk in one run (the week view, creating an event with a room,
creating a weekly series with a room over the whole horizon), prints a table with the targets of
issue 4, and stops everything it started, also on Ctrl-C. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench import harness
from bench.load_generator import Measurement, Scenario, Wrk
from bench.planner_log import logged_errors
from bench.processes import REPO_ROOT, TWO_PROCESS_POOLS, free_port, http_server, planner_environment, planner_web
from bench.seeding import ROOM_SLOTS_PER_DAY, SLOT, Api, Seeded, api_client, create_rooms, run_tag

# Targets of issue 4, on 2 cores at 200 concurrent connections.
WEEK_VIEW_MIN_RPS = 1_200
WEEK_VIEW_MAX_P99_MS = 50.0
CREATE_MIN_RPS = 400
TARGET_CONNECTIONS = 200
# The weekly series scenario's own rooms (each holds 7 * 28 series), apart from the warm-up's, so no
# request competes for a room with another, nor with the seeded events or the event creation scenario.
SERIES_SCENARIO_ROOMS = 60
SERIES_WARMUP_ROOMS = 20
HORIZON_DAYS = 730  # OCCURRENCE_HORIZON_DAYS, planner's default
OCCURRENCES_PER_SERIES = (HORIZON_DAYS - 9) // 7 + 1  # the series begin 9 days from now, give or take a few


@dataclass(frozen=True)
class Results:
    ceiling: Measurement
    week_view: Measurement  # the first reads after seeding: no week cached yet
    week_view_warm: Measurement  # the same requests again, every week cached
    week_view_identity: Measurement  # the same, from a client that does not accept gzip
    week_view_paced: Measurement  # at WEEK_VIEW_MIN_RPS offered over the same connections
    create: Measurement
    create_series: Measurement  # a weekly series with a room, open-ended: its occurrences over the horizon
    seeded: Seeded
    week_view_events: float  # mean events in one answer
    week_view_kib: float
    week_view_wire_kib: float
    planner_errors: list[tuple[int, str]]  # (count, reason) from planner's log


def start_planner(
    stack: contextlib.ExitStack, workdir: Path, database_url: str, redis_url: str, checkout: Path = REPO_ROOT
) -> str:
    """planner as production runs it (`planner run`, 2 uvicorn workers) from `checkout`; answer its base URL."""
    env = planner_environment(database_url, redis_url)
    for name, value in TWO_PROCESS_POOLS.items():
        env.setdefault(name, value)
    url = stack.enter_context(planner_web(workdir, env, workers=2, checkout=checkout)).url
    print(f"planner: 2 uvicorn workers at {url} (APP_ENV=production), the code of {checkout}", flush=True)
    return url


def measure_ceiling(wrk: Wrk, workdir: Path) -> Measurement:
    """The bare Litestar app, served like planner, measured and stopped again."""
    port = free_port()
    uvicorn = [sys.executable, "-m", "uvicorn", "bench.ceiling_app:app", "--host", "127.0.0.1", "--port", str(port)]
    with http_server(
        "ceiling",
        [*uvicorn, "--workers", "2", "--no-access-log", "--log-level", "error"],
        env={**os.environ},
        log=workdir / "ceiling.log",
        ready_url=f"http://127.0.0.1:{port}/ping",
    ):
        return wrk.measure(Scenario("ceiling", f"http://127.0.0.1:{port}/ping", "ceiling.lua"))


def measure_create(wrk: Wrk, app_url: str, people_file: Path, rooms_file: Path, week: datetime) -> Measurement:
    """POST /api/events with a room; warm-up and measurement book slots a year apart, after the seeded week."""

    def scenario(first_slot: datetime) -> Scenario:
        args = (str(people_file), str(rooms_file), str(int(first_slot.timestamp())), str(int(SLOT.total_seconds())))
        return Scenario("create event", f"{app_url}/api/events", "create_event.lua", (*args, str(wrk.shape.threads)))

    warmup = scenario(week + timedelta(days=28))
    return wrk.measure(scenario(week + timedelta(days=28 + 366)), warmup=warmup)


def measure_create_series(wrk: Wrk, app_url: str, people_file: Path, workdir: Path, week: datetime) -> Measurement:
    """POST /api/events of open-ended weekly series with a room, in rooms of their own (warm-up in others)."""
    admin_token = people_file.read_text().split("\t", 1)[0]
    tag = run_tag()
    names = [f"Series scenario room {tag}-{n:02d}" for n in range(SERIES_WARMUP_ROOMS + SERIES_SCENARIO_ROOMS)]

    async def rooms() -> list[str]:
        async with api_client(app_url) as client:
            return await create_rooms(Api(client), admin_token, names)

    room_ids = asyncio.run(rooms())
    first_monday = week + timedelta(days=7)  # the week after the seeded one

    def scenario(name: str, ids: list[str]) -> Scenario:
        rooms_file = workdir / f"{name}.txt"
        rooms_file.write_text("".join(f"{room}\n" for room in ids))
        args = (
            str(people_file),
            str(rooms_file),
            str(int(first_monday.timestamp())),
            str(int(SLOT.total_seconds())),
            str(ROOM_SLOTS_PER_DAY),
            str(wrk.shape.threads),
        )
        return Scenario("create weekly series", f"{app_url}/api/events", "create_series.lua", args)

    warmup = scenario("series-warmup-rooms", room_ids[:SERIES_WARMUP_ROOMS])
    return wrk.measure(scenario("series-rooms", room_ids[SERIES_WARMUP_ROOMS:]), warmup=warmup)


def run_benchmark(args: argparse.Namespace, workdir: Path) -> tuple[Results, Wrk]:
    """Start the servers, seed, measure the scenarios, and stop everything again."""
    wrk = harness.wrk_for(args)
    with harness.data_servers_migrated(workdir) as servers:
        app_url = start_planner(servers.stack, workdir, servers.database_url, servers.redis_url, args.checkout)
        seeded = harness.seed_week(app_url, args, workdir)
        rooms_file = workdir / "rooms.txt"
        rooms_file.write_text("".join(f"{room}\n" for room in seeded.seeded.room_ids))

        shape = wrk.shape
        harness.announce_load(wrk)
        ceiling = measure_ceiling(wrk, workdir)
        # As browsers, httpx and requests ask: gzip accepted. One scenario asks without, as wrk does by default.
        week_args = (*seeded.week_view_args, "gzip")
        week_view = wrk.measure(Scenario("week view", f"{app_url}/api/events", "week_view.lua", week_args))
        # Cold and warm apart: the first run starts with nobody's week cached (a cold start after a
        # deploy or a restart of Redis), the second finds them all cached (a normal day).
        week_view_warm = wrk.measure(Scenario("week view, warm", f"{app_url}/api/events", "week_view.lua", week_args))
        identity_args = (*seeded.week_view_args, "identity")
        week_view_identity = wrk.measure(
            Scenario("week view, warm, identity", f"{app_url}/api/events", "week_view.lua", identity_args)
        )
        # Latency as a target means it: at the target rate, not in a queue the load generator keeps full.
        # 5% above the target, as the time answering adds to each connection's wait.
        mean_wait_ms = shape.connections / (WEEK_VIEW_MIN_RPS * 1.05) * 1000
        week_view_paced = wrk.measure(
            Scenario(
                "week view, paced", f"{app_url}/api/events", "week_view_paced.lua", (*week_args, f"{mean_wait_ms:.1f}")
            )
        )
        create = measure_create(wrk, app_url, seeded.people_file, rooms_file, seeded.week)
        create_series = measure_create_series(wrk, app_url, seeded.people_file, workdir, seeded.week)
        results = Results(
            ceiling,
            week_view,
            week_view_warm,
            week_view_identity,
            week_view_paced,
            create,
            create_series,
            seeded.seeded,
            seeded.events,
            seeded.kib,
            seeded.wire_kib,
            logged_errors(workdir / "planner.log"),
        )
        return results, wrk


def print_report(results: Results, wrk: Wrk) -> None:
    ceiling, week, create, seeded = results.ceiling, results.week_view, results.create, results.seeded
    paced = results.week_view_paced
    shape = wrk.shape
    print()
    print(f"planner scheduling benchmark: {harness.load_line(wrk)} per scenario")
    print(
        f"data: {len(seeded.people)} users, {len(seeded.room_ids) + len(seeded.series_room_ids)} rooms, "
        f"{seeded.events} events in one week ({seeded.room_bookings} with a room, {seeded.conflicts} refused as "
        f"conflicts); seeded in {seeded.seconds:.1f} s"
    )
    print(
        f"of them {seeded.series} series begun two weeks before ({seeded.daily_series} daily on weekdays, the others "
        f"weekly; {seeded.series_with_room} with a room), {seeded.moved} occurrences moved and "
        f"{seeded.cancelled} cancelled"
    )
    print(
        f"one week view answers {results.week_view_events:.0f} events ({results.week_view_kib:.0f} KiB of JSON, "
        f"{results.week_view_wire_kib:.0f} KiB on the wire with gzip accepted) on average"
    )
    print()
    figures = (
        ("ceiling: GET /ping (bare Litestar)", ceiling),
        ("week view: GET /api/events, cold start", week),
        ("week view again, every week cached", results.week_view_warm),
        ("  the same without Accept-Encoding: gzip", results.week_view_identity),
        (f"week view at {WEEK_VIEW_MIN_RPS:,} req/s offered", paced),
        ("create: POST /api/events + room", create),
        ("create weekly series + room, 2 years", results.create_series),
    )
    harness.print_figures("scenario", 38, figures, ceiling=ceiling)
    harness.warn_if_busy([m for _, m in figures])
    print()
    at = "" if shape.connections == TARGET_CONNECTIONS else f"; they are set for {TARGET_CONNECTIONS} connections"
    print(f"targets of issue 4 (2xx answers only{at}):")
    targets = (
        (
            f"week view >= {WEEK_VIEW_MIN_RPS:,} req/s",
            f"{week.good_rps:,.0f} req/s",
            week.good_rps >= WEEK_VIEW_MIN_RPS,
        ),
        (
            f"week view p99 <= {WEEK_VIEW_MAX_P99_MS:.0f} ms at {WEEK_VIEW_MIN_RPS:,} req/s",
            f"{paced.p99_ms:.1f} ms ({paced.good_rps:,.0f} req/s)",
            paced.p99_ms <= WEEK_VIEW_MAX_P99_MS and paced.good_rps >= WEEK_VIEW_MIN_RPS,
        ),
        (
            f"event creation >= {CREATE_MIN_RPS:,} req/s",
            f"{create.good_rps:,.0f} req/s",
            create.good_rps >= CREATE_MIN_RPS,
        ),
    )
    for target, measured, met in targets:
        print(f"  {target:<44} {measured:>24}   {'met' if met else 'MISSED'}")
    print(
        f"  (the paced run offers {WEEK_VIEW_MIN_RPS * 1.05:,.0f} req/s over {shape.connections} connections, "
        "each waiting a random time between requests; the unpaced run keeps every connection busy, so its latency is "
        "mostly queueing)"
    )
    series = results.create_series
    if series.good_rps:
        print(
            f"  (an open-ended weekly series with a room stores and books about {OCCURRENCES_PER_SERIES} occurrences "
            f"over the {HORIZON_DAYS}-day horizon: {series.good_rps:,.0f} series/s is one every "
            f"{1000 / series.good_rps:.1f} ms, about {series.good_rps * OCCURRENCES_PER_SERIES:,.0f} occurrences/s)"
        )
    harness.print_errors([m for _, m in figures])
    harness.print_logged("planner", results.planner_errors)


def main(argv: Sequence[str] | None = None) -> int:
    args = harness.load_and_seed_arguments(argv, doc=__doc__, per="scenario", checkout=True)
    return harness.main(lambda workdir: run_benchmark(args, workdir), lambda outcome: print_report(*outcome))


if __name__ == "__main__":
    sys.exit(main())
