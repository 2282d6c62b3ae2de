"""Route guards shared by the HTTP API and the operator pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from entrypoints.http.sessions import AuthenticatedUser, accounts_of


async def admins_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Let signed-in admins through: 401 for anonymous callers, 403 for everyone else.

    Whether the caller is an administrator is read from the database now, not from a remembered
    check: a demoted administrator loses these pages at once, in every process.
    """
    user = connection.scope.get("user")
    if not isinstance(user, AuthenticatedUser) or user.session_id is None:
        raise NotAuthorizedException("Sign in as an administrator to use this page")
    holder = await accounts_of(connection).sessions.holder(user.session_id, user.id, now=datetime.now(UTC))
    if holder is None:
        raise NotAuthorizedException("Sign in as an administrator to use this page")
    if not holder.is_admin:
        raise PermissionDeniedException("Administrators only")
