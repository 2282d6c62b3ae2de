"""How error responses are documented in the OpenAPI schema (RFC 9457 problem details)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec

PROBLEM_MEDIA_TYPE = "application/problem+json"

_DESCRIPTIONS = {
    400: "Malformed request (e.g. a body that is not JSON)",
    401: "Not signed in, or the token is invalid or expired",
    403: "Signed in, but not allowed to do this",
    404: "No such resource, or not visible to the caller",
    409: "Conflicts with the current state (e.g. the room is already booked for that slot)",
    412: "If-Match names a version that is no longer current",
    413: "The request body is larger than the server takes",
    415: "A body was sent with another Content-Type than application/json",
    422: "A field is invalid; `field` and `invalid_params` name it",
    429: "Too many requests; `Retry-After` says in how many seconds to try again",
}


class InvalidParam(msgspec.Struct):
    name: str
    reason: str


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem; members beyond the standard ones depend on the problem type."""

    title: str
    status: int
    detail: str = ""
    type: str = "about:blank"
    field: str | None = None
    invalid_params: list[InvalidParam] | None = None
    extra: dict[str, Any] | None = None


def problems(*codes: int) -> dict[int, ResponseSpec]:
    """Document these error statuses, each as a problem-details body."""
    return {
        code: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[code],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for code in codes
    }
