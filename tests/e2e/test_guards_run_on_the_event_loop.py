"""Every guard is a coroutine function: Litestar runs a plain function in a worker thread, on every request.

The app-wide token-scope guard was one, and that thread hop cost the cached week view about a
quarter of a web process's CPU (bench/scheduling.py, 2026-11-28).
"""

from __future__ import annotations

import inspect

from litestar import Litestar
from litestar.handlers.base import BaseRouteHandler


def test_every_guard_of_every_route_is_async(app: Litestar) -> None:
    seen: dict[str, str] = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            assert isinstance(handler, BaseRouteHandler)
            for layer in handler.ownership_layers:
                for guard in layer.guards or []:
                    name = getattr(guard, "__qualname__", repr(guard))
                    seen[name] = route.path
                    assert inspect.iscoroutinefunction(guard), f"{name} (on {route.path}) runs in a thread"
    assert "api_token_scopes" in seen  # the app-wide one, on every route
    assert "admins_only" in seen
