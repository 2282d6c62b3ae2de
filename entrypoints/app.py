"""Composition root: builds the Litestar app and decides which adapter serves which port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.passwords import Argon2PasswordHasher
from adapters.postgres.cache_invalidation import ForgetStaleReads
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.redis.notifications import RedisNotificationPublisher, channels_backend
from adapters.redis.rate_limits import RateLimitCounters, create_rate_limit_client, default_rate_limit_url
from application.cache import CalendarReads
from application.unit_of_work import UnitOfWork
from domain.clock import SystemClock
from entrypoints.google import web_google_services
from entrypoints.http.auth import jwt_auth
from entrypoints.http.controllers.admin import AdminController
from entrypoints.http.controllers.auth import AuthController, MeController
from entrypoints.http.controllers.calendars import CalendarController
from entrypoints.http.controllers.events import EventController
from entrypoints.http.controllers.google import GoogleController, WebhookController
from entrypoints.http.controllers.jobs import JobController
from entrypoints.http.controllers.notifications import NotificationController
from entrypoints.http.controllers.rooms import RoomController
from entrypoints.http.csrf import CookieSessionCsrf, RequireJsonBodies
from entrypoints.http.dependencies import Services, dependencies
from entrypoints.http.errors import exception_handlers, problem_details_plugin
from entrypoints.http.headers import security_headers
from entrypoints.http.health import HealthController
from entrypoints.http.monitor import monitor_router
from entrypoints.http.rate_limits import rate_limit_middleware
from entrypoints.http.sse import CONNECTIONS_TTL_S, ConnectionRegistry
from entrypoints.infrastructure import Infrastructure
from entrypoints.logs import RequestIdMiddleware, configure_logging, send_request_id
from entrypoints.settings import Settings, get_settings
from entrypoints.web import csrf_config, web_client
from entrypoints.worker.settings import saq_config

VERSION = "0.1.0"
MAX_REQUEST_BODY_BYTES = 256 * 1024
"""Larger bodies get 413: the largest legitimate one (an event with 200 participants) is a few KB."""


def build_services(infrastructure: Infrastructure, *, cache_ttl_seconds: int = 360) -> Services:
    """Which adapter serves which port of the use cases."""
    sessions = async_sessionmaker(infrastructure.engine, class_=AsyncSession, expire_on_commit=False)
    # Each commit's outbox messages are handed to SAQ by the workers, whom the commit wakes
    # (adapters/postgres/outbox_relay.py): a request never waits for the queue.
    reads = CalendarReads(infrastructure.cache, ttl_seconds=cache_ttl_seconds)
    stale_reads = ForgetStaleReads(reads)

    def unit_of_work() -> UnitOfWork:
        return PostgresUnitOfWork(sessions, stale_reads=stale_reads)

    return Services(
        unit_of_work=unit_of_work,
        clock=SystemClock(),
        hasher=Argon2PasswordHasher(),
        publisher=RedisNotificationPublisher(channels_backend(infrastructure.redis)),
        reads=reads,
    )


async def _keep_refreshing(connections: ConnectionRegistry) -> None:
    while True:
        await asyncio.sleep(CONNECTIONS_TTL_S / 3)
        await connections.refresh()


def create_app(settings: Settings | None = None, *, configure_logs: bool = True) -> Litestar:
    """Build the web app for `settings` (read from the environment when not given)."""
    settings = settings or get_settings()
    if configure_logs:
        configure_logging(settings.log_level, json=settings.is_production)
    infrastructure = Infrastructure.from_settings(settings)
    services = build_services(infrastructure, cache_ttl_seconds=settings.cache_ttl_seconds)
    auth = jwt_auth(settings)
    google = web_google_services(settings, infrastructure, services)

    connections = ConnectionRegistry(infrastructure.redis)
    rate_limit_counters = RateLimitCounters(
        create_rate_limit_client(settings.rate_limits.redis_url or default_rate_limit_url(settings.redis.url or ""))
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        refresher = asyncio.create_task(_keep_refreshing(connections))
        try:
            yield
        finally:
            refresher.cancel()
            await infrastructure.close()
            await rate_limit_counters.close()

    return Litestar(
        route_handlers=[
            HealthController,
            AuthController,
            MeController,
            CalendarController,
            RoomController,
            EventController,
            AdminController,
            NotificationController,
            JobController,
            GoogleController,
            WebhookController,
            monitor_router(saq_config(settings, infrastructure.queue)),
        ],
        dependencies=dependencies(services),
        on_app_init=[auth.on_app_init],
        plugins=[
            problem_details_plugin(),
            ChannelsPlugin(
                backend=channels_backend(infrastructure.pubsub),
                arbitrary_channels_allowed=True,
                subscriber_max_backlog=1000,
                subscriber_backlog_strategy="dropleft",
            ),
            web_client(settings),
        ],
        middleware=[
            DefineMiddleware(RequestIdMiddleware),
            *rate_limit_middleware(settings.rate_limits),
            DefineMiddleware(RequireJsonBodies),
            DefineMiddleware(CookieSessionCsrf, config=csrf_config(settings)),
        ],
        before_send=[send_request_id, security_headers(production=settings.is_production)],
        exception_handlers=exception_handlers(),
        lifespan=[lifespan],
        state=State(
            {
                "settings": settings,
                "engine": infrastructure.engine,
                "redis": infrastructure.redis,
                "queue": infrastructure.queue,
                "jwt_auth": auth,
                "services": services,
                "connections": connections,
                "rate_limit_counters": rate_limit_counters,
                "google": google,
            }
        ),
        openapi_config=OpenAPIConfig(
            title="planner",
            version=VERSION,
            description="Team calendars, rooms that are never double-booked, invitations and live notifications.",
            path="/schema",
            # The schema as JSON only: a reference page would load its scripts from a CDN into our origin.
            render_plugins=[JsonRenderPlugin()],
        ),
        logging_config=None,
        request_max_body_size=MAX_REQUEST_BODY_BYTES,
        debug=False,
    )
