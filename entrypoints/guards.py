"""Route guards shared by the HTTP API and the operator pages."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from entrypoints.http.sessions import AuthenticatedUser


async def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Let signed-in admins through: 401 for anonymous callers, 403 for everyone else.

    `is_admin` was read from the database for this very request (an administrator's session check is
    never remembered: entrypoints.http.sessions), never taken from the token.
    """
    user = connection.scope.get("user")
    if not isinstance(user, AuthenticatedUser):
        raise NotAuthorizedException("Sign in as an administrator to use this page")
    if not user.is_admin:
        raise PermissionDeniedException("Administrators only")
