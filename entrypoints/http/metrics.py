"""GET /metrics: Prometheus text format, for a scraper holding METRICS_TOKEN or an administrator.

HTTP requests are counted by Litestar's Prometheus middleware, labelled with the route template
(`/api/events/{event_id}`, never an id) and the status code. With PROMETHEUS_MULTIPROC_DIR set (the
`planner` launchers set it) every process writes its series to files there and one scrape sums them
over all processes; the deployment's backlog (queue, outbox, reminders) is read once per scrape.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from domain.accounts.api_token import TokenScope
from entrypoints.http.auth import METRICS_PATH, MetricsScrape
from entrypoints.http.dependencies import container_of
from entrypoints.http.scopes import needs
from entrypoints.http.sessions import AuthenticatedUser
from entrypoints.telemetry.multiprocess import MULTIPROC_DIR_VARIABLE

REQUEST_SECONDS_BUCKETS: list[str | float] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]


def request_metrics() -> PrometheusConfig:
    """Litestar's Prometheus middleware: planner_http_requests_total and _request_duration_seconds by route."""
    return PrometheusConfig(
        app_name="planner",
        prefix="planner_http",
        group_path=True,  # the route template, not the path: one series per route, no ids in labels
        buckets=REQUEST_SECONDS_BUCKETS,
        exclude=[f"^{METRICS_PATH}$"],
    )


async def metrics_readers(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """METRICS_TOKEN or an administrator: 401 for anyone else without a token, 403 with one."""
    if isinstance(connection.scope.get("auth"), MetricsScrape):
        return
    user = connection.scope.get("user")
    if not isinstance(user, AuthenticatedUser):
        raise NotAuthorizedException("GET /metrics needs METRICS_TOKEN or an administrator's token")
    if not user.is_admin:
        raise PermissionDeniedException("Administrators only")


class _ThisProcess(Collector):
    """The default registry's series, when every process keeps its own (no multiprocess directory)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition(backlog: Collector) -> bytes:
    """Every series in Prometheus text format: all processes' (or this one's), and `backlog`."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_DIR_VARIABLE):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(backlog)
    return generate_latest(registry)


class MetricsController(Controller):
    path = METRICS_PATH
    tags = ["Operations"]

    @get(
        "/",
        operation_id="getMetrics",
        **needs(TokenScope.ADMIN),
        summary="Prometheus metrics (METRICS_TOKEN or an administrator)",
        guards=[metrics_readers],
        media_type=CONTENT_TYPE_LATEST,
    )
    async def metrics(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Every series of every web and worker process sharing PROMETHEUS_MULTIPROC_DIR, and the backlog read
        now, in Prometheus text format. Scrape it with `Authorization: Bearer <METRICS_TOKEN>`."""
        figures = await container_of(request.app).backlog().read()
        body = await asyncio.to_thread(exposition, figures)
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
