"""The HTMX web client: server-rendered pages over the same use cases as the API.

`web_client(settings)` is all the composition root needs: a plugin that adds the pages, the static
files, the Jinja templates and CSRF protection for every form. The JSON API, webhooks and probes
are left out of CSRF checks: they are called with bearer tokens by programs, not by forms.
"""

from __future__ import annotations

import hashlib

from litestar import Router
from litestar.config.app import AppConfig
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.plugins import InitPluginProtocol

from entrypoints.settings import Settings
from entrypoints.web.assets import static_routers
from entrypoints.web.controllers.accounts import AccountPages
from entrypoints.web.controllers.api_tokens import ApiTokenPages
from entrypoints.web.controllers.calendar import CalendarPages
from entrypoints.web.controllers.events import EventPages
from entrypoints.web.controllers.find_a_time import FindATimePages
from entrypoints.web.controllers.google import GooglePages
from entrypoints.web.controllers.google_write_back import GoogleWriteBackPages
from entrypoints.web.controllers.invitations import InvitationPages
from entrypoints.web.controllers.mail import MailPages
from entrypoints.web.controllers.notifications import NotificationPages
from entrypoints.web.controllers.occurrences import OccurrencePages
from entrypoints.web.controllers.out_of_office import OutOfOfficePages
from entrypoints.web.controllers.rooms import RoomPages
from entrypoints.web.controllers.webhooks import WebhookPages
from entrypoints.web.controllers.working_hours import WorkingHoursPages
from entrypoints.web.errors import html_error_handlers, pages_for_browsers
from entrypoints.web.rendering import provide_viewer, template_config

CSRF_COOKIE = "planner_csrf"
CSRF_HEADER = "x-csrftoken"
# Not pages: called by programs with bearer tokens (or by Google), never by our forms.
NOT_FORMS = ["^/api/", "^/webhook/", "^/health", "^/schema", "^/saq", "^/static/"]


def csrf_config(settings: Settings) -> CSRFConfig:
    # Its own key, derived from the app secret, so a CSRF token can never double as anything else.
    secret = hashlib.sha256(b"planner-csrf:" + settings.secret_key.encode()).hexdigest()
    return CSRFConfig(
        secret=secret,
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_secure=settings.is_production,
        cookie_samesite="lax",
        exclude=NOT_FORMS,
    )


def pages_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            AccountPages,
            CalendarPages,
            EventPages,
            FindATimePages,
            OccurrencePages,
            RoomPages,
            WorkingHoursPages,
            OutOfOfficePages,
            NotificationPages,
            GooglePages,
            GoogleWriteBackPages,
            InvitationPages,
            ApiTokenPages,
            MailPages,
            WebhookPages,
        ],
        dependencies={"viewer": Provide(provide_viewer)},
        exception_handlers=html_error_handlers(),
        include_in_schema=False,
    )


class WebClient(InitPluginProtocol):
    """Adds the web pages, their assets, templates and CSRF protection to the app."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend([pages_router(), *static_routers()])
        # Runs after the problem-details plugin (listed before this one), whose handler it falls back to.
        app_config.exception_handlers[HTTPException] = pages_for_browsers(
            app_config.exception_handlers.get(HTTPException)
        )
        app_config.template_config = template_config()
        app_config.csrf_config = csrf_config(self._settings)
        return app_config


def web_client(settings: Settings) -> WebClient:
    return WebClient(settings)
