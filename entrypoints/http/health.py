"""GET /health: database, redis and queue, each bounded so the answer comes within 2 s.

Anyone (a load balancer, a probe) gets ok/fail per check; why a check fails (exception text that can
name internal hosts) and how long each took is for administrators, at GET /health/details.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from redis.asyncio import Redis
from saq.queue.base import Queue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounts.api_token import TokenScope
from entrypoints.guards import admins_only
from entrypoints.http.dependencies import container_of
from entrypoints.http.scopes import needs

CHECK_TIMEOUT_S = 1.5


class Check(msgspec.Struct, omit_defaults=True):
    status: str
    latency_ms: float | None = None
    detail: str | None = None


class Health(msgspec.Struct):
    status: str
    checks: dict[str, Check]
    failing: list[str]


async def _run(probe: Callable[[], Awaitable[str | None]]) -> Check:
    started = time.perf_counter()
    try:
        detail = await asyncio.wait_for(probe(), CHECK_TIMEOUT_S)
    except TimeoutError:
        return Check("fail", _ms(started), f"no answer within {CHECK_TIMEOUT_S} s")
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        return Check("fail", _ms(started), f"{type(exc).__name__}: {exc}"[:300])
    return Check("ok", _ms(started), detail)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def database_probe(engine: AsyncEngine) -> Callable[[], Awaitable[str | None]]:
    async def probe() -> str | None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return None

    return probe


def redis_probe(redis: Redis) -> Callable[[], Awaitable[str | None]]:
    async def probe() -> str | None:
        await redis.ping()
        return None

    return probe


def queue_probe(queue: Queue) -> Callable[[], Awaitable[str | None]]:
    async def probe() -> str | None:
        info: dict[str, Any] = dict(await queue.info())
        workers = len(info.get("workers", {}))
        if workers == 0:
            raise RuntimeError("no SAQ worker has reported in the last minute; start one with `planner worker`")
        return f"{workers} worker(s), {info.get('queued', 0)} queued, {info.get('active', 0)} active"

    return probe


class HealthController(Controller):
    path = "/health"
    tags = ["Operations"]

    @get(
        "/",
        operation_id="getHealth",
        summary="Readiness of database, redis and queue: ok or fail for each",
        exclude_from_auth=True,
        responses={503: ResponseSpec(Health, description="A dependency failed; `failing` names it")},
    )
    async def health(self, request: Request[Any, Any, Any]) -> Response[Health]:
        """Whether the database, Redis and the queue answer: 200 when all do, 503 naming the failing ones. No sign-
        in needed."""
        return _answer(await _checks(request), public=True)

    @get(
        "/details",
        operation_id="getHealthDetails",
        **needs(TokenScope.ADMIN),
        summary="Readiness with each check's latency and failure detail (administrators)",
        guards=[admins_only],
        responses={503: ResponseSpec(Health, description="A dependency failed; `failing` names it")},
    )
    async def details(self, request: Request[Any, Any, Any]) -> Response[Health]:
        """The database, Redis and queue checks with their latency and failure detail (administrators)."""
        return _answer(await _checks(request), public=False)


async def _checks(request: Request[Any, Any, Any]) -> dict[str, Check]:
    connections = container_of(request.app).connections
    probes = {
        "database": database_probe(connections.engine),
        "redis": redis_probe(connections.redis),
        "queue": queue_probe(connections.queue),
    }
    results = await asyncio.gather(*(_run(p) for p in probes.values()))
    return dict(zip(probes, results, strict=True))


def _answer(checks: dict[str, Check], *, public: bool) -> Response[Health]:
    failing = [name for name, check in checks.items() if check.status != "ok"]
    if public:
        checks = {name: Check(check.status) for name, check in checks.items()}
    body = Health(status="fail" if failing else "ok", checks=checks, failing=failing)
    return Response(
        body,
        status_code=HTTP_503_SERVICE_UNAVAILABLE if failing else HTTP_200_OK,
        headers={"Cache-Control": "no-store"},
    )
