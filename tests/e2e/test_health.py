from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from adapters.embedded.redis import EmbeddedRedis
from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.people import sign_up


async def test_health_is_200_when_database_redis_and_a_worker_answer(
    client: AsyncTestClient,
    worker: None,  # type: ignore[type-arg]
) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
        "queue": "ok",
    }


async def test_health_is_503_naming_the_queue_when_no_worker_runs(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["failing"] == ["queue"]


async def test_the_public_sees_ok_or_fail_and_administrators_see_why(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    public = (await client.get("/health")).json()
    assert public["checks"]["queue"] == {"status": "fail"}, "no exception text or latency for anyone"
    admin, someone = await sign_up(client, "admin"), await sign_up(client, "someone")  # the first one administers
    assert (await client.get("/health/details")).status_code == 401
    assert (await someone.get("/health/details")).status_code == 403
    details = await admin.get("/health/details")
    assert details.status_code == 503
    assert "planner worker" in details.json()["checks"]["queue"]["detail"]
    assert details.json()["checks"]["database"]["latency_ms"] >= 0


async def test_health_is_503_naming_redis_when_redis_is_stopped(settings: Settings, tmp_path: Path) -> None:
    own_redis = EmbeddedRedis(tmp_path)
    redis_url = own_redis.start()
    app = create_app(settings.with_servers(settings.database.url or "", redis_url), configure_logs=False)
    async with AsyncTestClient(app=app) as client:
        own_redis.stop()
        started = time.monotonic()
        response = await client.get("/health")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "redis" in response.json()["failing"]
    assert response.json()["checks"]["database"]["status"] == "ok"
    assert elapsed < 2


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP port that accepts connections and never says a word: a hung dependency."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


@pytest.mark.parametrize("hung", ["database", "redis"])
async def test_health_answers_within_2_s_when_a_dependency_hangs(
    settings: Settings, silent_server: str, hung: str
) -> None:
    database_url = f"postgresql://planner@{silent_server}/planner" if hung == "database" else settings.database.url
    redis_url = f"redis://{silent_server}/0" if hung == "redis" else settings.redis.url
    app = create_app(settings.with_servers(database_url or "", redis_url or ""), configure_logs=False)
    async with AsyncTestClient(app=app, timeout=10) as client:
        started = time.monotonic()
        response = await asyncio.wait_for(client.get("/health"), 5)
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert hung in response.json()["failing"]
    assert elapsed < 2


async def test_openapi_schema_is_served(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert "/health" in response.json()["paths"]


async def test_unknown_routes_answer_problem_details_with_a_request_id(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/no/such/page", headers={"X-Request-ID": "trace-123"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404
    assert response.headers["x-request-id"] == "trace-123"


async def test_the_queue_monitor_is_closed_to_anonymous_callers(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    for path in ("/saq", "/saq/api/queues"):
        response = await client.get(path)
        assert response.status_code == 401, path
