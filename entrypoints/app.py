"""Composition root: builds the Litestar app and decides which adapter serves which port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from entrypoints.http.errors import exception_handlers, problem_details_plugin
from entrypoints.http.health import HealthController
from entrypoints.http.monitor import monitor_router
from entrypoints.infrastructure import Infrastructure
from entrypoints.logs import RequestIdMiddleware, configure_logging, send_request_id
from entrypoints.settings import Settings, get_settings
from entrypoints.worker.settings import saq_config

VERSION = "0.1.0"


def create_app(settings: Settings | None = None, *, configure_logs: bool = True) -> Litestar:
    """Build the web app for `settings` (read from the environment when not given)."""
    settings = settings or get_settings()
    if configure_logs:
        configure_logging(settings.log_level, json=settings.is_production)
    infrastructure = Infrastructure.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await infrastructure.close()

    return Litestar(
        route_handlers=[HealthController, monitor_router(saq_config(settings, infrastructure.queue))],
        plugins=[problem_details_plugin()],
        middleware=[DefineMiddleware(RequestIdMiddleware)],
        before_send=[send_request_id],
        exception_handlers=exception_handlers(),
        lifespan=[lifespan],
        state=State(
            {
                "settings": settings,
                "engine": infrastructure.engine,
                "redis": infrastructure.redis,
                "queue": infrastructure.queue,
            }
        ),
        openapi_config=OpenAPIConfig(
            title="planner",
            version=VERSION,
            description="Team calendars, rooms that are never double-booked, invitations and live notifications.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        logging_config=None,
        debug=False,
    )
