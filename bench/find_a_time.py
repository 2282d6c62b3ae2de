"""Load benchmark of find a time: suggestions and free/busy, against the week view in the same run.

    uv run python bench/find_a_time.py [--duration 15] [--connections 20]

It starts everything it needs (embedded PostgreSQL and Redis unless DATABASE_URL/REDIS_URL are set,
planner as production runs it), seeds through the public HTTP API people in three zones (working
hours set for two thirds of them), 50 rooms with bookings, and for each person about 40 events a
week over the two weeks asked about, recurring ones among them (a daily stand-up series begun two
weeks before, and invitations to colleagues' meetings), then measures with wrk, one after the other
at the same connections: the week view (GET /api/events), free/busy of 50 people over a week
(GET /api/freebusy), and suggestions for 10 people over two weeks with a room of 4 seats required
(POST /api/scheduling/suggestions); it prints the figures with the targets of issue 18 and stops
everything it started, also on Ctrl-C. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench import harness
from bench.load_generator import Measurement, Scenario, Wrk
from bench.planner_log import logged_errors
from bench.scheduling import start_planner
from bench.seeding import Api, Person, api_client, bench_emails, benchmark_week, create_rooms, iso, run_tag, sign_up

# Targets of issue 18, on 2 cores at 20 concurrent requests.
SUGGESTIONS_MAX_P95_MS = 50.0
FREE_BUSY_MAX_P95_MS = 30.0
TARGET_CONNECTIONS = 20
PARTICIPANTS = 10
FREE_BUSY_PEOPLE = 50
ZONES = ("UTC", "Europe/Berlin", "America/New_York")
OWN_MEETINGS_PER_WEEK = 12  # each with 2 colleagues invited: 36 events a week a person, + 5 stand-ups
ROOM_BOOKINGS_PER_ROOM = 12
WEEKS = 2


@dataclass(frozen=True)
class Seeded:
    people: list[Person]
    rooms: list[str]
    events: int
    seconds: float


@dataclass(frozen=True)
class Results:
    week_view: Measurement
    free_busy: Measurement
    suggestions: Measurement
    seeded: Seeded
    events_per_person_week: float
    planner_errors: list[tuple[int, str]]


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per scenario (default 15)")
    parser.add_argument("--connections", type=int, default=TARGET_CONNECTIONS, help="concurrent connections (20)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load before each (default 3)")
    parser.add_argument("--users", type=int, default=60, help="people to seed besides the administrator (default 60)")
    parser.add_argument("--rooms", type=int, default=50, help="rooms to seed (default 50)")
    parser.add_argument("--verbose", action="store_true", help="also print wrk's own output")
    args = parser.parse_args(argv)
    if args.users < FREE_BUSY_PEOPLE or args.rooms < 1 or args.duration < 1 or args.connections < 1:
        parser.error(f"seed at least {FREE_BUSY_PEOPLE} users and 1 room; duration and connections positive")
    return args


async def seed(base_url: str, *, users: int, rooms: int, first_monday: datetime) -> Seeded:
    """People in three zones, rooms with bookings, and two busy weeks for everyone, through the public API."""
    started = time.monotonic()
    tag = run_tag()
    chance = random.Random(18)
    async with api_client(base_url) as client:
        api = Api(client)
        # The administrator books the rooms and is asked about by nobody: their week is all bookings.
        admin, *people = await sign_up(api, bench_emails(tag, users + 1))
        room_ids = await create_rooms(api, admin.token, [f"Room {tag}-{n:02d}" for n in range(rooms)])

        async def working_hours(n: int, person: Person) -> None:
            zone = ZONES[n % len(ZONES)]
            if zone != "UTC":
                days = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
                body = {"timezone": zone, "days": days}
                await api.call("PUT", "/api/me/working-hours", token=person.token, body=body)

        await asyncio.gather(*(working_hours(n, p) for n, p in enumerate(people)))
        bodies: list[tuple[str, dict[str, object]]] = []
        for n, person in enumerate(people):
            stand_up = first_monday - timedelta(days=14) + timedelta(hours=8 + n % 8)
            bodies.append(
                (
                    person.token,
                    {
                        "title": "Stand-up",
                        "starts_at": iso(stand_up),
                        "ends_at": iso(stand_up + timedelta(minutes=15)),
                        "recurrence": {"rule": "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"},
                    },
                )
            )
            for week in range(WEEKS):
                for m in range(OWN_MEETINGS_PER_WEEK):
                    start = first_monday + timedelta(
                        days=7 * week + chance.randrange(5),
                        hours=chance.randrange(6, 19),
                        minutes=30 * chance.randrange(2),
                    )
                    guests = [people[(n + k) % len(people)].email for k in (1 + m % 7, 9 + m % 5)]
                    length = timedelta(minutes=30 * chance.randrange(1, 4))
                    body = {"title": f"Meeting {m}", "starts_at": iso(start), "ends_at": iso(start + length)}
                    bodies.append((person.token, {**body, "participants": guests}))
        for r, room_id in enumerate(room_ids):
            for b in range(ROOM_BOOKINGS_PER_ROOM):
                start = first_monday + timedelta(days=b % 10 + (b % 10) // 5 * 2, hours=8 + (r + 3 * b) % 9)
                body = {"title": "Booked", "starts_at": iso(start), "ends_at": iso(start + timedelta(hours=1))}
                bodies.append((admin.token, {**body, "room_id": room_id}))

        async def create(token: str, body: dict[str, object]) -> int:
            return (await api.call("POST", "/api/events", token=token, body=body, accept=(201, 409))).status_code

        codes = await asyncio.gather(*(create(token, body) for token, body in bodies))
    print(f"seeded {users} users, {rooms} rooms and {len(bodies)} events in {time.monotonic() - started:.1f} s")
    return Seeded(people=people, rooms=room_ids, events=codes.count(201), seconds=time.monotonic() - started)


def request_files(seeded: Seeded, workdir: Path, first_monday: datetime) -> tuple[Path, Path, Path]:
    """The week views, free/busy and suggestion requests, one a line, for bench/lua/request_list.lua."""
    people = seeded.people
    week = {"start": iso(first_monday), "end": iso(first_monday + timedelta(days=7))}
    two_weeks = {"start": iso(first_monday), "end": iso(first_monday + timedelta(days=7 * WEEKS))}
    week_views, free_busy, suggestions = [], [], []
    for n, person in enumerate(people):
        week_views.append(f"GET\t/api/events?{urlencode(week)}\t{person.token}")
        asked = [people[(n + k) % len(people)].email for k in range(FREE_BUSY_PEOPLE)]
        query = urlencode({"emails": ",".join(asked), "rooms": ",".join(seeded.rooms[:10]), **week})
        free_busy.append(f"GET\t/api/freebusy?{query}\t{person.token}")
        group = [people[(n + k) % len(people)].email for k in range(PARTICIPANTS)]
        body = {"participants": group, "duration_minutes": 60, "capacity": 4, "room_required": True, **two_weeks}
        suggestions.append(f"POST\t/api/scheduling/suggestions\t{person.token}\t{json.dumps(body)}")
    files = []
    for name, lines in (("week_views", week_views), ("free_busy", free_busy), ("suggestions", suggestions)):
        path = workdir / f"{name}.tsv"
        path.write_text("\n".join(lines) + "\n")
        files.append(path)
    return files[0], files[1], files[2]


def events_per_person_week(base_url: str, people: Sequence[Person], first_monday: datetime) -> float:
    """Mean events in a person's week view over a sample: what each person's free/busy is made of."""
    counts = []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for person in people[:: max(1, len(people) // 10)]:
            answer = client.get(
                "/api/events",
                params={"start": iso(first_monday), "end": iso(first_monday + timedelta(days=7))},
                headers={"Authorization": f"Bearer {person.token}"},
            )
            counts.append(len(answer.json()["items"]))
    return sum(counts) / len(counts)


def run_benchmark(args: argparse.Namespace, workdir: Path) -> tuple[Results, Wrk]:
    wrk = harness.wrk_for(args)
    first_monday = benchmark_week()
    with harness.data_servers_migrated(workdir) as servers:
        app_url = start_planner(servers.stack, workdir, servers.database_url, servers.redis_url)
        seeded = asyncio.run(seed(app_url, users=args.users, rooms=args.rooms, first_monday=first_monday))
        week_views, free_busy, suggestions = request_files(seeded, workdir, first_monday)
        harness.announce_load(wrk)

        def scenario(name: str, file: Path) -> Measurement:
            return wrk.measure(Scenario(name, app_url, "request_list.lua", (str(file),)))

        results = Results(
            week_view=scenario("week view", week_views),
            free_busy=scenario("free/busy", free_busy),
            suggestions=scenario("suggestions", suggestions),
            seeded=seeded,
            events_per_person_week=events_per_person_week(app_url, seeded.people, first_monday),
            planner_errors=logged_errors(workdir / "planner.log"),
        )
        return results, wrk


def print_report(results: Results, wrk: Wrk) -> None:
    seeded = results.seeded
    print()
    print(f"planner find-a-time benchmark: {harness.load_line(wrk)} per scenario")
    print(
        f"data: {len(seeded.people)} people in {', '.join(ZONES)}, {len(seeded.rooms)} rooms, {seeded.events} events "
        f"(a daily stand-up series each, meetings with 2 colleagues invited, {ROOM_BOOKINGS_PER_ROOM} bookings a "
        f"room); a person's week holds {results.events_per_person_week:.0f} events on average"
    )
    print()
    rows = (
        ("week view: GET /api/events", results.week_view),
        (f"free/busy: {FREE_BUSY_PEOPLE} people + 10 rooms, 1 week", results.free_busy),
        (f"suggestions: {PARTICIPANTS} people, 2 weeks, {len(seeded.rooms)} rooms", results.suggestions),
    )
    header = f"{'scenario':<46} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'vs week':>8}"
    print(header)
    print("-" * len(header))
    week = results.week_view
    for label, m in rows:
        ratio = m.rps / week.rps if week.rps else 0.0
        print(
            f"{label:<46} {m.rps:>7,.0f} {m.p50_ms:>7.1f} {m.p95_ms:>7.1f} {m.p99_ms:>7.1f} {m.errors:>6} {ratio:>8.0%}"
        )
    harness.warn_if_busy([m for _, m in rows])
    at = "" if wrk.shape.connections == TARGET_CONNECTIONS else f"; they are set for {TARGET_CONNECTIONS} connections"
    print()
    print(f"targets of issue 18 (latency as wrk sees it on this machine, queueing included{at}):")
    for target, m, limit in (
        (f"suggestions p95 <= {SUGGESTIONS_MAX_P95_MS:.0f} ms", results.suggestions, SUGGESTIONS_MAX_P95_MS),
        (f"free/busy p95 <= {FREE_BUSY_MAX_P95_MS:.0f} ms", results.free_busy, FREE_BUSY_MAX_P95_MS),
    ):
        met = m.p95_ms <= limit and not m.errors
        print(f"  {target:<32} {m.p95_ms:>8.1f} ms   {'met' if met else 'MISSED'}")
    harness.print_errors([m for _, m in rows])
    harness.print_logged("planner", results.planner_errors)


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    return harness.main(lambda workdir: run_benchmark(args, workdir), lambda outcome: print_report(*outcome))


if __name__ == "__main__":
    sys.exit(main())
