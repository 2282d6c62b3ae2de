"""Route guards shared by the HTTP API and the operator pages."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler


def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Let signed-in admins through: 401 for anonymous callers, 403 for everyone else."""
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException("Sign in as an administrator to use this page")
    if not getattr(user, "is_admin", False):
        raise PermissionDeniedException("Administrators only")
