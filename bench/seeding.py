"""Seed people, rooms and a week of events through planner's public HTTP API, concurrently."""

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

import httpx

from bench.errors import BenchmarkFailed
from bench.processes import REPO_ROOT

PASSWORD = "load test password 1234"
SEED_CONCURRENCY = 48
ROOM_EVERY = 5  # one seeded event in five books a room
SLOT = timedelta(minutes=30)
ROOM_SLOTS_PER_DAY = 28  # half hours from 07:00 to 21:00


@dataclass(frozen=True)
class Person:
    email: str
    token: str
    user_id: str


@dataclass(frozen=True)
class Seeded:
    people: list[Person]
    room_ids: list[str]
    events: int
    room_bookings: int
    conflicts: int
    seconds: float


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def benchmark_week() -> datetime:
    """Next Monday, 00:00 UTC: a week in the future, so every seeded event is still to come."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


def plan_events(
    emails: Sequence[str], room_ids: Sequence[str], per_user: int, week: datetime
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(organizer index, event body) for every seeded event; room bookings get slots that never overlap."""
    rng = random.Random(4)
    bookings = 0
    room_capacity = len(room_ids) * 7 * ROOM_SLOTS_PER_DAY
    for i, email in enumerate(emails):
        others = [other for other in emails if other != email]
        for j in range(per_user):
            body: dict[str, Any] = {
                "title": f"Team meeting {i}-{j}",
                "description": "Seeded by bench/scheduling.py",
                "participants": rng.sample(others, k=2 + (i + j) % 2),
            }
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
            yield i, body


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


async def seed(base_url: str, *, users: int, rooms: int, events_per_user: int, week: datetime) -> Seeded:
    """Users, rooms and a week of events, created concurrently through the public HTTP API."""
    started = time.monotonic()
    tag = run_tag()
    emails = bench_emails(tag, users)
    async with api_client(base_url) as client:
        api = Api(client)
        people = await sign_up(api, emails)
        print(f"seeded {users} users (register + sign in) in {time.monotonic() - started:.1f} s", flush=True)

        async def create_room(n: int) -> str:
            body = {"name": f"Room {tag}-{n:02d}", "capacity": 4 + 2 * (n % 6), "location": f"Floor {n % 4 + 1}"}
            answer = await api.call("POST", "/api/rooms", token=people[0].token, body=body, accept=(200, 201))
            return str(answer.json()["id"])

        room_ids = list(await asyncio.gather(*(create_room(n) for n in range(rooms))))

        async def create_event(organizer: int, body: dict[str, Any]) -> int:
            answer = await api.call("POST", "/api/events", token=people[organizer].token, body=body, accept=(201, 409))
            return answer.status_code

        events_started = time.monotonic()
        plan = list(plan_events(emails, room_ids, events_per_user, week))
        codes = await asyncio.gather(*(create_event(i, body) for i, body in plan))
        elapsed = time.monotonic() - events_started
        print(f"seeded {rooms} rooms and {len(plan)} events in {elapsed:.1f} s ({len(plan) / elapsed:.0f} req/s)")
    return Seeded(
        people=people,
        room_ids=room_ids,
        events=codes.count(201),
        room_bookings=sum(1 for _, body in plan if "room_id" in body),
        conflicts=codes.count(409),
        seconds=time.monotonic() - started,
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


def week_view_size(base_url: str, people: Sequence[Person], start: str, end: str) -> tuple[float, float]:
    """Mean events and kilobytes in one week-view answer, over a sample of people."""
    sample = people[:: max(1, len(people) // 10)]
    counts, sizes = [], []
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for person in sample:
            answer = client.get(
                "/api/events", params={"start": start, "end": end}, headers={"Authorization": f"Bearer {person.token}"}
            )
            if answer.status_code != 200:
                raise BenchmarkFailed(f"GET /api/events answered {answer.status_code}: {answer.text[:500]}")
            counts.append(len(answer.json()["items"]))
            sizes.append(len(answer.content) / 1024)
    return sum(counts) / len(counts), sum(sizes) / len(sizes)
