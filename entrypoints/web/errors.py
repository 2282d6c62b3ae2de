"""Errors on web pages are pages: a sign-in redirect, a 404 page, a friendly 500; never JSON or a trace."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_401_UNAUTHORIZED,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.types import ExceptionHandler, ExceptionHandlersMap
from sqlalchemy.exc import DBAPIError

from domain.errors import DomainError, NotFound
from entrypoints.http.errors import domain_status
from entrypoints.web.rendering import page

log = structlog.get_logger(__name__)

CSRF_REFUSED = "CSRF token verification failed"


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("HX-Request") == "true"


def to_sign_in(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    """Not signed in (or the session expired): off to the sign-in page, coming back here after."""
    target = "/login"
    if request.method == "GET" and request.url.path not in ("/", "/login"):
        target = f"/login?next={request.url.path}"
    if is_htmx(request):  # a fragment request cannot follow a redirect into the whole page
        return Response(None, status_code=HTTP_401_UNAUTHORIZED, headers={"HX-Redirect": target})
    return Redirect(target, status_code=HTTP_303_SEE_OTHER)


def _error_page(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> Response[Any]:
    answer = page("error.html", status_code=status, title=title, detail=detail)
    answer.headers.update(headers or {})
    return answer


def http_error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, PermissionDeniedException) and exc.detail == CSRF_REFUSED:
        return _error_page(
            exc.status_code,
            "This form has expired",
            "The page you sent it from was too old or came from elsewhere. Go back, reload the page and try again.",
        )
    if exc.status_code == 404:
        return not_found_page()
    if exc.status_code >= 500:
        return unexpected_error_page(request, exc)
    if exc.status_code == HTTP_429_TOO_MANY_REQUESTS:
        return _error_page(exc.status_code, "Too many attempts", exc.detail, dict(exc.headers or {}))
    return _error_page(exc.status_code, "That did not work", exc.detail or "The request could not be handled.")


def not_found_page() -> Response[Any]:
    return _error_page(404, "Not found", "There is nothing here, or it is not yours to see.")


def domain_error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, DomainError)
    if isinstance(exc, NotFound):
        return not_found_page()
    return _error_page(domain_status(exc), exc.title, exc.detail)


def unexpected_error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("page.failed", method=request.method, path=request.url.path, error=type(exc).__name__)
    request_id = request.scope.get("state", {}).get("request_id")
    return _error_page(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Something went wrong on our side",
        "It has been logged" + (f" (request {request_id})" if request_id else "") + ". Try again in a moment.",
    )


# Paths programs call: their errors stay problem-details JSON whatever the Accept header says.
NOT_PAGES = ("/api/", "/webhook/", "/health", "/schema", "/saq", "/static/")


def wants_page(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith(NOT_PAGES) and "text/html" in request.headers.get("Accept", "")


def pages_for_browsers(api_handler: ExceptionHandler[Any] | None) -> ExceptionHandler[Any]:
    """An app-wide handler: a browser asking for a page that does not exist gets a page; programs keep JSON."""

    def handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        if wants_page(request) or api_handler is None:
            return http_error_page(request, exc)
        return api_handler(request, exc)

    return handler


def html_error_handlers() -> ExceptionHandlersMap:
    return {
        NotAuthorizedException: to_sign_in,
        HTTPException: http_error_page,
        DomainError: domain_error_page,
        DBAPIError: unexpected_error_page,
        HTTP_500_INTERNAL_SERVER_ERROR: unexpected_error_page,
    }
