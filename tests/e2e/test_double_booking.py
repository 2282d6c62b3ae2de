"""Two web processes, one PostgreSQL: the database itself refuses the second booking of a room."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.e2e.people import PASSWORD, at
from tests.e2e.test_planner_up import free_port
from tests.support.servers import ServerUrls

pytestmark = pytest.mark.slow


@pytest.fixture
def two_web_processes(servers: ServerUrls, tmp_path: Path) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": servers.database_url,
        "DATABASE_DIRECT_URL": servers.direct_url if servers.pooled else "",
        "REDIS_URL": servers.redis_url,
        # Both processes must accept each other's tokens: without SECRET_KEY each test process makes its own.
        "SECRET_KEY": secrets.token_urlsafe(48),
    }
    ports = [free_port(), free_port()]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "run", "--port", str(port)],
            stdout=(tmp_path / f"web{port}.log").open("wb"),
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for base in bases:
            while True:
                try:
                    httpx.get(base + "/schema/openapi.json", timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "web processes did not start"
                    time.sleep(0.1)
        yield bases
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.wait(30)


def sign_up(base: str, name: str) -> str:
    email = f"{name}@example.com"
    httpx.post(
        base + "/api/auth/register", json={"email": email, "password": PASSWORD, "name": name}
    ).raise_for_status()
    login = httpx.post(base + "/api/auth/login", json={"email": email, "password": PASSWORD})
    return str(login.json()["access_token"])


def test_fifty_concurrent_overlapping_bookings_on_two_processes_give_one_201_and_49_409s(
    two_web_processes: list[str],
) -> None:
    first, second = two_web_processes
    admin = {"Authorization": f"Bearer {sign_up(first, 'admin')}"}
    room = httpx.post(first + "/api/rooms", json={"name": "Everest", "capacity": 8}, headers=admin).json()["id"]

    def book(i: int) -> int:
        base = two_web_processes[i % 2]
        body = {"title": f"race {i}", "starts_at": at(14, i % 30), "ends_at": at(15, i % 30), "room_id": room}
        return httpx.post(base + "/api/events", json=body, headers=admin, timeout=30).status_code

    with ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(book, range(50)))
    assert sorted(set(codes)) == [201, 409], codes
    assert codes.count(201) == 1
    assert codes.count(409) == 49
    events = httpx.get(
        second + "/api/events", params={"start": at(0), "end": at(24)}, headers=admin, timeout=10
    ).json()["items"]
    assert len(events) == 1
