"""/metrics of `planner run --workers 2` and `planner worker` sharing one PROMETHEUS_MULTIPROC_DIR: one scrape
sums every process's series, and shows planner's own."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from adapters.saq.queue import create_queue
from entrypoints.settings import Settings
from tests.e2e.people import PASSWORD, at
from tests.e2e.sse_client import open_stream
from tests.e2e.test_planner_up import free_port

pytestmark = pytest.mark.slow

METRICS_TOKEN = "scrape-me-0123456789abcdef"
STARTUP_TIMEOUT_S = 90
READ_ROUTE = "/api/events/{event_id}"
EVERY_SERIES = (
    "planner_http_requests_total",
    "planner_http_request_duration_seconds_bucket",
    "planner_queue_jobs",
    "planner_job_duration_seconds_bucket",
    "planner_job_queue_wait_seconds_bucket",
    "planner_jobs_total",
    "planner_outbox_waiting",
    "planner_outbox_oldest_waiting_seconds",
    "planner_sse_streams_open",
    "planner_notifications_sent_total",
    "planner_reminders_sent_total",
    "planner_reminders_due_unsent",
    "planner_reminders_lateness_seconds",
    "planner_cache_lookups_total",
    "planner_rate_limit_rejections_total",
    "planner_google_syncs_total",
    "planner_db_pool_connections_in_use",
)


@pytest.fixture
def deployment(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """Two web processes and a worker on the test servers, all writing to one multiprocess directory."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        **settings.export(),
        "METRICS_TOKEN": METRICS_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    log = (tmp_path / "planner.log").open("wb")
    commands = (["run", "--workers", "2", "--port", str(port)], ["worker"])
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", *args], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for args in commands
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, processes, tmp_path / "planner.log")
        yield base
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _wait_healthy(base: str, processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), f"a process exited: {log.read_text()[-3000:]}"
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"/health never answered 200: {log.read_text()[-3000:]}")


def _person(base: str, name: str) -> tuple[str, str]:
    email = f"{name}@example.com"
    registered = httpx.post(f"{base}/api/auth/register", json={"email": email, "password": PASSWORD, "name": name})
    assert registered.status_code == 201, registered.text
    login = httpx.post(f"{base}/api/auth/login", json={"email": email, "password": PASSWORD})
    return login.json()["access_token"], email


def _scrape(base: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def _reads_in(found: dict[str, list[tuple[dict[str, str], float]]]) -> float:
    return sum(
        value
        for labels, value in found.get("planner_http_requests_total", [])
        if labels.get("path") == READ_ROUTE and labels.get("method") == "GET"
    )


def _reads_per_process(directory: Path) -> dict[str, float]:
    """Each process's own count of event reads, from its own file in the multiprocess directory."""
    counts: dict[str, float] = {}
    for file in directory.glob("counter_*.db"):
        for metric in MultiProcessCollector.merge([str(file)], accumulate=True):
            if metric.name == "planner_http_requests":
                counts[file.stem] = sum(
                    s.value for s in metric.samples if s.name.endswith("_total") and s.labels.get("path") == READ_ROUTE
                )
    return counts


def _reads_from_both_processes(base: str, directory: Path) -> tuple[str, int, dict[str, float]]:
    """Alice invites bob and reads her event until both web processes answered some reads: (bob's token, reads
    sent, each process's own count)."""
    alice, _ = _person(base, "alice")
    bob, bob_email = _person(base, "bob")
    created = httpx.post(
        f"{base}/api/events",
        headers={"Authorization": f"Bearer {alice}"},
        json={
            "title": "Metrics",
            "starts_at": at(9),
            "ends_at": at(10),
            "reminders": [10],
            "participants": [bob_email],
        },
    )
    assert created.status_code == 201, created.text
    read = f"{base}/api/events/{created.json()['id']}"

    def read_once(_: int) -> int:
        with httpx.Client() as fresh:  # a new connection each time: the kernel hands it to either process
            return fresh.get(read, headers={"Authorization": f"Bearer {alice}"}).status_code

    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while sent < 400:
            assert set(pool.map(read_once, range(40))) == {200}
            sent += 40
            if sum(1 for count in _reads_per_process(directory).values() if count > 0) >= 2:
                break
    return bob, sent, _reads_per_process(directory)


async def test_one_scrape_sums_both_web_processes_and_shows_every_series(deployment: str, tmp_path: Path) -> None:
    base = deployment
    bob, sent, per_process = await asyncio.to_thread(_reads_from_both_processes, base, tmp_path / "metrics")
    assert sum(1 for count in per_process.values() if count > 0) >= 2, f"one process took every read: {per_process}"

    async with open_stream(base, bob) as stream:
        assert stream.status == 200
        deadline = time.monotonic() + 30
        while True:  # the worker's series come once it sent bob's invitation
            found = await asyncio.to_thread(_scrape, base)
            sent_notifications = sum(v for _, v in found.get("planner_notifications_sent_total", []))
            if sent_notifications >= 1 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.3)

    assert sent_notifications >= 1, "the worker's notification never showed in the web's /metrics"
    assert _reads_in(found) == sent == sum(per_process.values())
    missing = [name for name in EVERY_SERIES if name not in found]
    assert not missing, f"missing from /metrics: {missing}"
    assert max(v for _, v in found["planner_sse_streams_open"]) >= 1
    tasks = {labels["task"] for labels, _ in found["planner_jobs_total"]}
    assert "notify_event_invited" in tasks, tasks


def test_the_worker_serves_its_own_metrics_at_worker_metrics_port(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PROMETHEUS_MULTIPROC_DIR")},
        **settings.export(),
        "WORKER_METRICS_PORT": str(port),
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "worker", "--processes", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        names: set[str] = set()
        asyncio.run(_enqueue_ping(settings))
        while "planner_jobs_total" not in names and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()[-3000:]
            time.sleep(0.5)
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.HTTPError:
                continue
            names = {s.name for f in text_string_to_metric_families(text) for s in f.samples}
        assert "planner_jobs_total" in names, f"no job counted: {sorted(names)[:20]}"
        assert {"planner_reminders_sent_total", "planner_db_pool_connections_in_use"} <= names
    finally:
        worker.terminate()
        worker.wait(timeout=30)


async def _enqueue_ping(settings: Settings) -> None:
    queue = create_queue(settings.redis.url or "")
    await queue.connect()
    try:
        await queue.enqueue("ping")
    finally:
        await queue.disconnect()
