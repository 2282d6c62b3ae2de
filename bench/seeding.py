"""Seed people, rooms and a week of events through planner's public HTTP API, concurrently.

A third of the events are series (weekly, or daily on weekdays), begun two weeks before the benchmark
week so that it shows later occurrences, not first ones; most are open-ended and so stored (and hold
their room) over the whole horizon. Some series book a room of their own; some have one occurrence
moved and one cancelled.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from bench.errors import BenchmarkFailed
from bench.processes import REPO_ROOT

PASSWORD = "load test password 1234"
SEED_CONCURRENCY = 48
ROOM_EVERY = 5  # one seeded event in five books a room
SLOT = timedelta(minutes=30)
ROOM_SLOTS_PER_DAY = 28  # half hours from 07:00 to 21:00
SERIES_EVERY = 3  # event j of a person is a series when j mod 3 == 1: a third of the events
DAILY_EVERY = 4  # one series in four is daily (on weekdays), the others weekly
FINITE_EVERY = 4  # one weekly series in four ends after 12 occurrences; the others are open-ended
SERIES_ROOM_EVERY = 5  # one series in five books a room, for every occurrence
OVERRIDE_EVERY = 3  # one series (without a room) in three has one occurrence moved and one cancelled
SERIES_ZONE = "Europe/Berlin"  # series keep their wall-clock time there (UTC 07:00-21:00 never meets a clock change)
SERIES_LEAD = timedelta(days=14)  # series begin two weeks before the benchmark week
WEEKDAYS = 5


@dataclass(frozen=True)
class Person:
    email: str
    token: str
    user_id: str


@dataclass(frozen=True)
class Seeded:
    people: list[Person]
    room_ids: list[str]  # the rooms single events book (and the creation scenario)
    events: int  # events created, series counted once
    room_bookings: int
    conflicts: int
    seconds: float
    series: int = 0  # of `events`, how many are series
    daily_series: int = 0
    series_with_room: int = 0
    moved: int = 0  # occurrences moved (an override each)
    cancelled: int = 0  # occurrences cancelled (an EXDATE each)
    series_room_ids: tuple[str, ...] = ()  # the rooms only series book


@dataclass(frozen=True)
class PlannedEvent:
    organizer: int
    body: dict[str, Any]
    move: str | None = None  # the recurrence id of the occurrence to move an hour later
    cancel: str | None = None  # the recurrence id of the occurrence to cancel


class SeriesRooms:
    """Weekly half-hour cells (room, weekday, slot) of the series' own rooms; a daily series takes a slot on
    every weekday (from the morning on), a weekly one a single cell (from the evening back), so no two overlap."""

    def __init__(self, room_ids: Sequence[str]) -> None:
        self.room_ids = room_ids
        self.taken: set[tuple[int, int, int]] = set()
        self.daily = 0
        self.weekly = 0

    def _cells(self, room: int, weekdays: Sequence[int], slot: int) -> list[tuple[int, int, int]]:
        return [(room, day, slot) for day in weekdays]

    def take_daily(self) -> tuple[str, int] | None:
        """(room id, slot) for a series on every weekday, or None when they are all taken."""
        while self.daily < len(self.room_ids) * ROOM_SLOTS_PER_DAY:
            slot, room = divmod(self.daily, len(self.room_ids))
            self.daily += 1
            cells = self._cells(room, range(WEEKDAYS), slot)
            if not self.taken.intersection(cells):
                self.taken.update(cells)
                return self.room_ids[room], slot
        return None

    def take_weekly(self) -> tuple[str, int, int] | None:
        """(room id, weekday, slot) for a weekly series, or None when they are all taken."""
        while self.weekly < len(self.room_ids) * WEEKDAYS * ROOM_SLOTS_PER_DAY:
            rest, room = divmod(self.weekly, len(self.room_ids))
            slot_back, day = divmod(rest, WEEKDAYS)
            self.weekly += 1
            cell = (room, day, ROOM_SLOTS_PER_DAY - 1 - slot_back)
            if cell not in self.taken:
                self.taken.add(cell)
                return self.room_ids[room], day, cell[2]
        return None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def benchmark_week() -> datetime:
    """Next Monday, 00:00 UTC: a week in the future, so every seeded event is still to come."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


def plan_events(
    emails: Sequence[str], room_ids: Sequence[str], per_user: int, week: datetime, series_room_ids: Sequence[str] = ()
) -> Iterator[PlannedEvent]:
    """Every seeded event: a third are series (see the module); room bookings get slots that never overlap."""
    rng = random.Random(4)
    bookings = 0
    series = 0
    room_capacity = len(room_ids) * 7 * ROOM_SLOTS_PER_DAY
    series_rooms = SeriesRooms(series_room_ids)
    for i, email in enumerate(emails):
        others = [other for other in emails if other != email]
        for j in range(per_user):
            body: dict[str, Any] = {
                "title": f"Team meeting {i}-{j}",
                "description": "Seeded by bench/scheduling.py",
                "participants": rng.sample(others, k=2 + (i + j) % 2),
            }
            if j % SERIES_EVERY == 1:
                yield plan_series(i, body, series, week, series_rooms if series_room_ids else None)
                series += 1
                continue
            if j % ROOM_EVERY == 0 and bookings < room_capacity:
                # Booking b takes room b mod rooms, slot b div rooms: (room, slot) pairs never repeat.
                slot = bookings // len(room_ids)
                day, half_hour = divmod(slot, ROOM_SLOTS_PER_DAY)
                starts = week + timedelta(days=day, hours=7) + SLOT * half_hour
                body.update(
                    room_id=room_ids[bookings % len(room_ids)], starts_at=iso(starts), ends_at=iso(starts + SLOT)
                )
                bookings += 1
            else:
                starts = week + timedelta(days=j % 7, hours=8 + (j // 7) % 10, minutes=30 * ((i + j) % 2))
                body.update(starts_at=iso(starts), ends_at=iso(starts + SLOT * (1 + j % 3)))
            yield PlannedEvent(i, body)


def plan_series(
    organizer: int, body: dict[str, Any], n: int, week: datetime, rooms: SeriesRooms | None
) -> PlannedEvent:
    """Series n: daily on weekdays or weekly, begun two weeks before `week`; with a room, or overrides, or neither."""
    daily = n % DAILY_EVERY == 0
    first_monday = week - SERIES_LEAD
    booked = None
    if rooms is not None and n % SERIES_ROOM_EVERY == 0:
        booked = rooms.take_daily() if daily else rooms.take_weekly()
    if booked is not None:
        room_id, *where = booked
        day, slot = (0, where[0]) if daily else (where[0], where[1])
        starts = first_monday + timedelta(days=day, hours=7) + SLOT * slot
        ends = starts + SLOT
        body["room_id"] = room_id
    else:
        starts = first_monday + timedelta(days=0 if daily else n % WEEKDAYS, hours=8 + n % 10, minutes=30 * (n % 2))
        ends = starts + SLOT * (1 + n % 3)
    rule = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR" if daily else "FREQ=WEEKLY"
    if not daily and n % FINITE_EVERY == 1:
        rule += ";COUNT=12"
    body.update(
        title=f"{'Daily' if daily else 'Weekly'} {body['title'].lower()}",
        starts_at=iso(starts),
        ends_at=iso(ends),
        timezone=SERIES_ZONE,
        recurrence={"rule": rule},
    )
    if booked is not None or n % OVERRIDE_EVERY != 1:
        return PlannedEvent(organizer, body)
    # In the benchmark week: the daily series' Tuesday moves and its Thursday is cancelled; the weekly
    # series' occurrence moves and last week's is cancelled.
    in_week = starts + SERIES_LEAD
    if daily:
        return PlannedEvent(
            organizer, body, move=iso(in_week + timedelta(days=1)), cancel=iso(in_week + timedelta(days=3))
        )
    return PlannedEvent(organizer, body, move=iso(in_week), cancel=iso(in_week - timedelta(days=7)))


class Api:
    """The public HTTP API, with a bound on concurrent requests; unexpected answers end the benchmark."""

    def __init__(self, client: httpx.AsyncClient, *, concurrency: int = SEED_CONCURRENCY) -> None:
        self.client = client
        self.gate = asyncio.Semaphore(concurrency)

    async def call(
        self, method: str, path: str, *, token: str | None = None, body: Any = None, accept: Sequence[int] = (200, 201)
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.gate:
            try:
                answer = await self.client.request(method, path, json=body, headers=headers)
            except httpx.HTTPError as exc:
                raise BenchmarkFailed(f"{method} {path} failed: {exc!r}") from exc
        if answer.status_code not in accept:
            raise BenchmarkFailed(f"{method} {path} answered {answer.status_code}: {answer.text[:500]}")
        return answer


def api_client(base_url: str) -> httpx.AsyncClient:
    """A client for seeding, with as many connections as requests run at once."""
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout would close them under a request.
    limits = httpx.Limits(
        max_connections=SEED_CONCURRENCY, max_keepalive_connections=SEED_CONCURRENCY, keepalive_expiry=2.0
    )
    return httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits)


async def sign_up(api: Api, emails: Sequence[str]) -> list[Person]:
    """Register and sign in everyone, concurrently; the first of them administers planner."""

    async def register(i: int) -> dict[str, Any]:
        body = {"email": emails[i], "password": PASSWORD, "name": f"Bench Person {i}"}
        answer: dict[str, Any] = (await api.call("POST", "/api/auth/register", body=body, accept=(201,))).json()
        return answer

    async def login(email: str, user_id: str) -> Person:
        answer = await api.call("POST", "/api/auth/login", body={"email": email, "password": PASSWORD})
        api.client.cookies.clear()  # bearer tokens only
        return Person(email=email, token=answer.json()["access_token"], user_id=user_id)

    first = await register(0)  # the first account on an empty database is the administrator
    if not first.get("is_admin"):
        await asyncio.to_thread(promote, emails[0])
    others = await asyncio.gather(*(register(i) for i in range(1, len(emails))))
    ids = [str(user["id"]) for user in (first, *others)]
    return list(await asyncio.gather(*(login(email, user_id) for email, user_id in zip(emails, ids, strict=True))))


def run_tag() -> str:
    """A random tag for this run's names, so a rerun on the same DATABASE_URL does not collide."""
    return secrets.token_hex(3)


def bench_emails(tag: str, count: int) -> list[str]:
    return [f"bench-{tag}-{i:03d}@example.com" for i in range(count)]


async def create_rooms(api: Api, token: str, names: Sequence[str]) -> list[str]:
    """Rooms by name (an administrator's token), concurrently; answer their ids in the same order."""

    async def create_room(n: int, name: str) -> str:
        body = {"name": name, "capacity": 4 + 2 * (n % 6), "location": f"Floor {n % 4 + 1}"}
        answer = await api.call("POST", "/api/rooms", token=token, body=body, accept=(200, 201))
        return str(answer.json()["id"])

    return list(await asyncio.gather(*(create_room(n, name) for n, name in enumerate(names))))


async def seed(base_url: str, *, users: int, rooms: int, events_per_user: int, week: datetime) -> Seeded:
    """Users, rooms (`rooms` for single events, as many for series) and a week of events, through the public API."""
    started = time.monotonic()
    tag = run_tag()
    emails = bench_emails(tag, users)
    async with api_client(base_url) as client:
        api = Api(client)
        people = await sign_up(api, emails)
        print(f"seeded {users} users (register + sign in) in {time.monotonic() - started:.1f} s", flush=True)
        names = [f"Room {tag}-{n:02d}" for n in range(rooms)] + [f"Series room {tag}-{n:02d}" for n in range(rooms)]
        all_rooms = await create_rooms(api, people[0].token, names)
        room_ids, series_room_ids = all_rooms[:rooms], all_rooms[rooms:]

        async def create_event(planned: PlannedEvent) -> tuple[int, str]:
            answer = await api.call(
                "POST", "/api/events", token=people[planned.organizer].token, body=planned.body, accept=(201, 409)
            )
            return answer.status_code, str(answer.json().get("id", ""))

        events_started = time.monotonic()
        plan = list(plan_events(emails, room_ids, events_per_user, week, series_room_ids))
        created = await asyncio.gather(*(create_event(planned) for planned in plan))
        elapsed = time.monotonic() - events_started
        codes = [code for code, _ in created]
        series = [planned for planned in plan if "recurrence" in planned.body]
        print(
            f"seeded {2 * rooms} rooms and {len(plan)} events ({len(series)} series) in {elapsed:.1f} s "
            f"({len(plan) / elapsed:.0f} req/s)",
            flush=True,
        )

        async def override(planned: PlannedEvent, event_id: str) -> tuple[int, int]:
            token = people[planned.organizer].token
            path = f"/api/events/{event_id}/occurrences/"
            moved = cancelled = 0
            if planned.move is not None:
                starts = datetime.fromisoformat(planned.move) + timedelta(hours=1)
                length = datetime.fromisoformat(planned.body["ends_at"]) - datetime.fromisoformat(
                    planned.body["starts_at"]
                )
                body = {"starts_at": iso(starts), "ends_at": iso(starts + length)}
                await api.call("PATCH", path + quote(planned.move), token=token, body=body)
                moved = 1
            if planned.cancel is not None:
                await api.call("DELETE", path + quote(planned.cancel), token=token, accept=(204,))
                cancelled = 1
            return moved, cancelled

        overrides_started = time.monotonic()
        changes = await asyncio.gather(
            *(
                override(planned, event_id)
                for planned, (code, event_id) in zip(plan, created, strict=True)
                if code == 201 and (planned.move or planned.cancel)
            )
        )
        moved, cancelled = sum(m for m, _ in changes), sum(c for _, c in changes)
        print(f"moved {moved} and cancelled {cancelled} occurrences in {time.monotonic() - overrides_started:.1f} s")
    return Seeded(
        people=people,
        room_ids=room_ids,
        events=codes.count(201),
        room_bookings=sum(1 for planned in plan if "room_id" in planned.body),
        conflicts=codes.count(409),
        seconds=time.monotonic() - started,
        series=sum(
            1 for planned, code in zip(plan, codes, strict=True) if code == 201 and "recurrence" in planned.body
        ),
        daily_series=sum(1 for planned in series if "DAILY" in planned.body["recurrence"]["rule"]),
        series_with_room=sum(1 for planned in series if "room_id" in planned.body),
        moved=moved,
        cancelled=cancelled,
        series_room_ids=tuple(series_room_ids),
    )


def promote(email: str) -> None:
    """Make the benchmark's first user an administrator on a database that already had users."""
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "users", "promote", email],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchmarkFailed(f"could not make {email} an administrator: {done.stderr.strip()}")


def week_view_size(base_url: str, people: Sequence[Person], start: str, end: str) -> tuple[float, float, float]:
    """Mean events, KiB of JSON and KiB on the wire (gzip accepted, as httpx asks) in one week-view answer."""
    sample = people[:: max(1, len(people) // 10)]
    counts, sizes, wire = [], [], []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for person in sample:
            answer = client.get(
                "/api/events", params={"start": start, "end": end}, headers={"Authorization": f"Bearer {person.token}"}
            )
            if answer.status_code != 200:
                raise BenchmarkFailed(f"GET /api/events answered {answer.status_code}: {answer.text[:500]}")
            counts.append(len(answer.json()["items"]))
            sizes.append(len(answer.content) / 1024)
            wire.append(answer.num_bytes_downloaded / 1024)
    return sum(counts) / len(counts), sum(sizes) / len(sizes), sum(wire) / len(wire)
