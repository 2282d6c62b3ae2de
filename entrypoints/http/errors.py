"""Every error leaves as an RFC 9457 problem-details body; unexpected ones are logged, never shown."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException, ProblemDetailsPlugin
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"


def http_exception_to_problem(exc: HTTPException) -> ProblemDetailsException:
    """Litestar's own errors (404 route, 405, 401, validation) as problem details."""
    extra: dict[str, Any] | list[Any] | None = exc.extra
    if isinstance(extra, list):
        extra = {"errors": extra}
    return ProblemDetailsException(
        status_code=exc.status_code,
        title=_reason(exc.status_code),
        detail=exc.detail,
        headers=exc.headers,
        extra=extra,
    )


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """A bug: log it with its traceback and answer a 500 problem that leaks nothing."""
    log.exception("request.failed", method=request.method, path=request.url.path, error=type(exc).__name__)
    return Response(
        {
            "type": "about:blank",
            "title": "Internal Server Error",
            "status": HTTP_500_INTERNAL_SERVER_ERROR,
            "detail": "Something went wrong on our side; it has been logged.",
            "request_id": request.scope.get("state", {}).get("request_id"),
        },
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=PROBLEM_JSON,
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(exception_to_problem_detail_map={HTTPException: http_exception_to_problem})
    )


def exception_handlers() -> ExceptionHandlersMap:
    return {HTTP_500_INTERNAL_SERVER_ERROR: unexpected_error}
