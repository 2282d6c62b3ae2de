"""The ceiling for the benchmark: a bare Litestar app with one JSON endpoint, nothing behind it.

Served the way planner is (uvicorn, 2 processes, no access log), it shows what this machine and
this stack can answer at most; the planner scenarios are reported as a ratio to it.
"""

from __future__ import annotations

from litestar import Litestar, get


@get("/ping", operation_id="ping", sync_to_thread=False)
def ping() -> dict[str, object]:
    """A small JSON answer, about the size of a health check."""
    return {"status": "ok", "service": "ceiling", "checks": {"database": True, "redis": True}}


app = Litestar(route_handlers=[ping], openapi_config=None, logging_config=None, debug=False)
