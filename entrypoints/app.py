"""The web app: what the web process starts on the composition root's container (entrypoints/bootstrap/__init__.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from entrypoints.bootstrap import Container, bootstrap
from entrypoints.bootstrap.tracing import tracing_for
from entrypoints.draining import on_stop_signals
from entrypoints.http.controllers.admin import AdminController
from entrypoints.http.controllers.api_tokens import ApiTokenController
from entrypoints.http.controllers.auth import AuthController, MeController
from entrypoints.http.controllers.availability import (
    FreeBusyController,
    MyAvailabilityController,
    SchedulingController,
)
from entrypoints.http.controllers.calendar_files import CalendarFeedController, CalendarFileController
from entrypoints.http.controllers.calendars import CalendarController
from entrypoints.http.controllers.events import EventController
from entrypoints.http.controllers.google import GoogleController, WebhookController
from entrypoints.http.controllers.google_write_back import GoogleWriteBackController
from entrypoints.http.controllers.invitations import InvitationController
from entrypoints.http.controllers.jobs import JobController
from entrypoints.http.controllers.notification_preferences import NotificationPreferenceController
from entrypoints.http.controllers.notifications import NotificationController
from entrypoints.http.controllers.rooms import RoomController
from entrypoints.http.controllers.webhook_subscriptions import WebhookSubscriptionController
from entrypoints.http.csrf import CookieSessionCsrf, RequireJsonBodies
from entrypoints.http.dependencies import app_state, dependencies
from entrypoints.http.errors import exception_handlers, problem_details_plugin
from entrypoints.http.headers import security_headers
from entrypoints.http.health import HealthController
from entrypoints.http.metrics import MetricsController, request_metrics
from entrypoints.http.monitor import monitor_router
from entrypoints.http.rate_limits import rate_limit_middleware
from entrypoints.http.scopes import api_token_scopes
from entrypoints.http.sessions import renew_session_cookie
from entrypoints.http.sse import CONNECTIONS_TTL_S, ConnectionRegistry
from entrypoints.logs import RequestIdMiddleware, configure_logging, send_request_id
from entrypoints.settings import Settings, get_settings
from entrypoints.telemetry.multiprocess import process_gone
from entrypoints.web import csrf_config, web_client
from entrypoints.worker.settings import saq_config

VERSION = "0.1.0"
MAX_REQUEST_BODY_BYTES = 256 * 1024
"""Larger bodies get 413: the largest legitimate one (an event with 200 participants) is a few KB."""


async def _keep_refreshing(connections: ConnectionRegistry) -> None:
    while True:
        await asyncio.sleep(CONNECTIONS_TTL_S / 3)
        await connections.refresh()


def create_app(
    settings: Settings | None = None,
    *,
    configure_logs: bool = True,
    container: Container | None = None,
    drain_on_stop_signals: bool = False,
) -> Litestar:
    """Build the web app for `settings` (read from the environment when not given) on the composition root's container.

    A test hands in its own `container` (entrypoints.bootstrap.bootstrap with adapters swapped). Served by uvicorn's
    own `Server` (`planner run`), `drain_on_stop_signals` closes the notification streams as soon as SIGTERM arrives
    (entrypoints/draining.py).
    """
    settings = container.settings if container is not None else settings or get_settings()
    settings.require_secret_key()  # also for `uvicorn entrypoints.app:create_app` started by hand
    if configure_logs:
        configure_logging(settings.log_level, json=settings.is_production)
    tracing = tracing_for(settings, role="web")  # before the container: its engine is traced when it is made
    built = container or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        refresher = asyncio.create_task(_keep_refreshing(built.connection_registry))
        draining = on_stop_signals(built.connection_registry.drain) if drain_on_stop_signals else nullcontext()
        try:
            with draining:
                yield
        finally:
            refresher.cancel()
            await built.close()
            process_gone()

    return Litestar(
        route_handlers=[
            HealthController,
            MetricsController,
            AuthController,
            MeController,
            ApiTokenController,
            CalendarController,
            CalendarFileController,
            CalendarFeedController,
            RoomController,
            EventController,
            MyAvailabilityController,
            FreeBusyController,
            SchedulingController,
            AdminController,
            InvitationController,
            NotificationController,
            NotificationPreferenceController,
            JobController,
            GoogleController,
            GoogleWriteBackController,
            WebhookController,
            WebhookSubscriptionController,
            monitor_router(saq_config(settings, built.connections.queue)),
        ],
        dependencies=dependencies(built),
        guards=[api_token_scopes],
        on_app_init=[built.auth.on_app_init],
        plugins=[
            problem_details_plugin(),
            ChannelsPlugin(
                backend=built.live_channels,
                arbitrary_channels_allowed=True,
                subscriber_max_backlog=1000,
                subscriber_backlog_strategy="dropleft",
            ),
            web_client(settings),
            *tracing,
        ],
        middleware=[
            request_metrics().middleware,
            DefineMiddleware(RequestIdMiddleware),
            *rate_limit_middleware(settings.rate_limits),
            DefineMiddleware(RequireJsonBodies),
            DefineMiddleware(CookieSessionCsrf, config=csrf_config(settings)),
        ],
        before_send=[send_request_id, renew_session_cookie, security_headers(production=settings.is_production)],
        exception_handlers=exception_handlers(),
        lifespan=[lifespan],
        state=app_state(built),
        openapi_config=OpenAPIConfig(
            title="planner",
            version=VERSION,
            description="Team calendars, rooms that are never double-booked, invitations and live notifications.",
            path="/schema",
            # The schema as JSON only: a reference page would load its scripts from a CDN into our origin.
            render_plugins=[JsonRenderPlugin()],
            # A handler's docstring is its operation's description (with its API-token scope added).
            use_handler_docstrings=True,
        ),
        logging_config=None,
        request_max_body_size=MAX_REQUEST_BODY_BYTES,
        debug=False,
    )
