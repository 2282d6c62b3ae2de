"""Cross-site request forgery on the JSON API: JSON bodies only, and the CSRF header on cookie sessions.

A browser sends the session cookie with any request a page on another (or a sibling) site makes,
and a plain `<form enctype="text/plain">` can post a body that parses as JSON. Two rules close that:

- A route that takes a JSON body refuses any other Content-Type with 415: a cross-site form cannot
  send `application/json` without a CORS preflight, which planner never grants.
- An unsafe call (POST/PUT/PATCH/DELETE) to `/api/*`, `/webhook/*` or `/saq` that is authenticated by
  the cookie (no Authorization header) must carry the CSRF header the web client's htmx requests
  already send (`x-csrftoken`, checked against the CSRF cookie by Litestar's own CSRF middleware). A
  bearer-authenticated call needs none: a foreign page cannot set that header. Google's push receiver
  stays open; it is authenticated by its channel token, and sends no cookie.
- The SAQ monitor's own page (retry, abort) cannot send that header: its calls pass when the browser
  says they come from planner's own origin (`Sec-Fetch-Site: same-origin`, which no page can forge;
  a sibling site's page is `same-site` and is refused).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from litestar.config.csrf import CSRFConfig
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import ClientException
from litestar.handlers import HTTPRouteHandler
from litestar.middleware.base import MiddlewareProtocol
from litestar.middleware.csrf import CSRFMiddleware
from litestar.params import BodyKwarg
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.types import ASGIApp, Receive, Scope, Send

from entrypoints.http.auth import COOKIE_NAME, PUBLIC_PATHS

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Programs' routes: excluded from the web client's CSRF check, so checked here when a cookie is used.
COOKIE_CHECKED = re.compile(r"^/(api|webhook|saq)(/|$)")
OPEN_TO_GOOGLE = "/webhook/google-calendar"
MONITOR = re.compile(r"^/saq(/|$)")
# Sign-in, sign-up and sign-out do not read the session cookie (login CSRF is closed by JSON-only bodies).
NO_SESSION = re.compile("|".join(PUBLIC_PATHS))
SESSION_COOKIE = re.compile(rf"(^|;)\s*{COOKIE_NAME}=[^;\s]")


def _takes_json(handler: object) -> bool:
    if not isinstance(handler, HTTPRouteHandler):
        return False
    data = handler.parsed_data_field
    if data is None:
        return False
    kwarg = data.kwarg_definition
    media_type = kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON
    return media_type == RequestEncodingType.JSON


def _has_body(headers: dict[str, str]) -> bool:
    length = headers.get("content-length")
    if length is not None:
        return length.strip() not in {"", "0"}
    return "transfer-encoding" in headers


class RequireJsonBodies(MiddlewareProtocol):
    """415 for a body sent to a JSON route with another Content-Type (a bodiless call passes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and _takes_json(scope.get("route_handler")):
            headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
            media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if _has_body(headers) and media_type != RequestEncodingType.JSON:
                raise ClientException(
                    status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                    detail="This route takes a JSON body: send it with Content-Type: application/json",
                )
        await self.app(scope, receive, send)


class CookieSessionCsrf(MiddlewareProtocol):
    """Litestar's CSRF check for unsafe API, webhook and monitor calls made with the session cookie."""

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        self.app = app
        # The web client's config, with nothing excluded: it is only asked about the calls chosen below.
        self.csrf = CSRFMiddleware(app, dataclasses.replace(config, exclude=None))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and self._needs_check(scope["method"], scope["path"], scope["headers"]):
            await self.csrf(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _needs_check(method: str, path: str, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        headers = list(headers)
        if method not in UNSAFE_METHODS or not COOKIE_CHECKED.match(path) or path == OPEN_TO_GOOGLE:
            return False
        if NO_SESSION.match(path):
            return False
        if any(name == b"authorization" for name, _ in headers):
            return False  # authenticated by the header, which a foreign page cannot set
        if MONITOR.match(path) and (b"sec-fetch-site", b"same-origin") in headers:
            return False  # the monitor's own page, as the browser vouches
        return any(
            name == b"cookie" and SESSION_COOKIE.search(value.decode("latin-1")) is not None for name, value in headers
        )
