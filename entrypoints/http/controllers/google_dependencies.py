"""What the jobs and Google handlers are given: the Google services of the composition root's container."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from entrypoints.bootstrap import NOT_CONFIGURED, GoogleServices
from entrypoints.http.dependencies import container_of


def _google(request: Request[Any, Any, Any]) -> GoogleServices:
    return container_of(request.app).google


def _configured_google(request: Request[Any, Any, Any]) -> GoogleServices:
    google = _google(request)
    if not google.configured:
        raise ProblemDetailsException(
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
            title="Google Calendar sync is not configured",
            detail=NOT_CONFIGURED,
            type_="urn:planner:problem:google_not_configured",
        )
    return google


google_dependency = {"google": Provide(_google, sync_to_thread=False)}
configured_google_dependency = {"google": Provide(_configured_google, sync_to_thread=False)}

Google = NamedDependency[SkipValidation[GoogleServices]]
