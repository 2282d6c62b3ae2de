"""Every error leaves as an RFC 9457 problem-details body; unexpected ones are logged, never shown."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, InternalServerException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException, ProblemDetailsPlugin
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_412_PRECONDITION_FAILED,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from domain.accounts.api_token import ScopeMissing
from domain.errors import (
    Conflict,
    DomainError,
    EmailAlreadyRegistered,
    EventIsCancelled,
    InvalidCredentials,
    InvalidInput,
    NotFound,
    OwnerCannotLeaveCalendar,
    PermissionDenied,
    PersonalCalendarCannotBeDeleted,
    RoomAlreadyBooked,
    StaleVersion,
)

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
CLIENT_CLOSED_REQUEST = 499
"""nginx's status for a request whose client went away before its answer: what the metrics count it as."""
CLIENT_DISCONNECTED = "client disconnected prematurely"
"""What Litestar's Request raises (a 500 InternalServerException) when the client hangs up while it reads the body."""


# One place decides the status of every domain error family.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: HTTP_404_NOT_FOUND,
    PermissionDenied: HTTP_403_FORBIDDEN,
    InvalidInput: HTTP_422_UNPROCESSABLE_ENTITY,
    InvalidCredentials: HTTP_401_UNAUTHORIZED,
    StaleVersion: HTTP_412_PRECONDITION_FAILED,
    Conflict: HTTP_409_CONFLICT,
}


def domain_status(exc: DomainError) -> int:
    for family, status in DOMAIN_STATUS.items():
        if isinstance(exc, family):
            return status
    return HTTP_400_BAD_REQUEST


def domain_error_to_problem(exc: DomainError) -> ProblemDetailsException:
    """A refused request: its status from DOMAIN_STATUS, its members from the error itself."""
    return ProblemDetailsException(
        status_code=domain_status(exc),
        title=exc.title,
        detail=exc.detail,
        type_=f"urn:planner:problem:{exc.code}",
        extra=problem_extensions(exc) or None,
    )


def problem_extensions(exc: DomainError) -> dict[str, Any]:
    """The members a problem body adds for this error, beyond status, title and detail."""
    extra: dict[str, Any] = {}
    match exc:
        case ScopeMissing():
            extra = {"missing_scope": exc.scope.value}
        case NotFound():
            extra = {"resource": exc.resource, "resource_id": exc.resource_id}
        case InvalidInput():
            # Both plainly and in RFC 9457's invalid-params shape.
            extra = {"field": exc.field, "invalid_params": [{"name": exc.field, "reason": exc.detail}]}
        case StaleVersion():
            # Both versions, so the client can reload.
            extra = {"expected_version": exc.expected, "current_version": exc.actual}
        case RoomAlreadyBooked():
            extra = {
                "room_id": str(exc.room_id),
                "conflicting_slot": {"starts_at": exc.starts_at.isoformat(), "ends_at": exc.ends_at.isoformat()},
                "conflicting_event_id": None if exc.conflicting_event_id is None else str(exc.conflicting_event_id),
                "more_conflicts": exc.more_conflicts,
            }
        case EmailAlreadyRegistered():
            # Named like an input error would be.
            extra = {"field": "email"}
        case EventIsCancelled():
            extra = {"event_id": str(exc.event_id)}
        case PersonalCalendarCannotBeDeleted():
            extra = {"calendar_id": str(exc.calendar_id)}
        case OwnerCannotLeaveCalendar():
            extra = {"calendar_id": str(exc.calendar_id), "user_id": str(exc.user_id)}
    return extra


def http_exception_to_problem(exc: HTTPException) -> ProblemDetailsException:
    """Litestar's own errors (unknown route, 405, 401, validation) as problem details."""
    if isinstance(exc, ValidationException):
        return _validation_problem(exc)
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


def _validation_problem(exc: ValidationException) -> ProblemDetailsException:
    """A body or parameter that does not parse: 400 for malformed JSON, 422 naming the field otherwise."""
    errors = exc.extra if isinstance(exc.extra, list) else []
    invalid = [
        {"name": _field_name(error), "reason": str(error.get("message", "invalid value"))}
        for error in errors
        if isinstance(error, dict)
    ]
    malformed = not invalid and "json" in (exc.detail or "").lower()
    status = HTTP_400_BAD_REQUEST if malformed else HTTP_422_UNPROCESSABLE_ENTITY
    detail = exc.detail if malformed or not invalid else f"{invalid[0]['name']}: {invalid[0]['reason']}"
    return ProblemDetailsException(
        status_code=status,
        title="Malformed request body" if malformed else "Invalid input",
        detail=detail,
        type_="urn:planner:problem:invalid_input",
        extra={"field": invalid[0]["name"], "invalid_params": invalid} if invalid else None,
    )


def _field_name(error: dict[str, Any]) -> str:
    """`$.participants[0]` -> `participants[0]`; a query or header parameter keeps its own name."""
    key = str(error.get("key", ""))
    return key.removeprefix("$.").removeprefix("$") or key or "body"


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """A bug: log it with its traceback and answer a 500 problem that leaks nothing."""
    if isinstance(exc, InternalServerException) and exc.detail == CLIENT_DISCONNECTED:
        return client_gone(request)
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


def client_gone(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """The client hung up before its request was read (a load generator stopping, a tab closed): not our error.

    Nobody reads the answer; it is only what the metrics count (499).
    """
    log.info("request.client_gone", method=request.method, path=request.url.path)
    return Response(
        {"type": "about:blank", "title": "Client Closed Request", "status": CLIENT_CLOSED_REQUEST},
        status_code=CLIENT_CLOSED_REQUEST,
        media_type=PROBLEM_JSON,
    )


def database_busy(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """No connection to be had (pool exhausted, server full): ask the client to retry, lose nothing."""
    log.error("request.database_busy", method=request.method, path=request.url.path, error=repr(exc)[:300])
    return Response(
        {
            "type": "urn:planner:problem:busy",
            "title": "Service Unavailable",
            "status": HTTP_503_SERVICE_UNAVAILABLE,
            "detail": "planner is busy; retry in a moment",
        },
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        media_type=PROBLEM_JSON,
        headers={"Retry-After": "1"},
    )


def database_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """PostgreSQL refused a connection because it is full: busy (503); any other database error is a bug."""
    if "too many clients" in str(getattr(exc, "orig", None) or exc).lower():
        return database_busy(request, exc)
    return unexpected_error(request, exc)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                HTTPException: http_exception_to_problem,
                DomainError: domain_error_to_problem,
            }
        )
    )


def exception_handlers() -> ExceptionHandlersMap:
    return {HTTP_500_INTERNAL_SERVER_ERROR: unexpected_error, PoolTimeout: database_busy, DBAPIError: database_error}
