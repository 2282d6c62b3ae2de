"""What each route lets a personal API token do: declared once per route, enforced by one guard, shown in OpenAPI.

A route declares its access with one of these as keyword arguments of its decorator:
- `**needs(TokenScope.EVENTS_READ)`: a token needs that scope here (a signed-in person needs none);
- `**any_token()`: any live token may call it (who am I);
- `**sessions_only()`: tokens are refused (creating tokens, the password, sessions, Google consent).
A route that declares nothing is sessions only as well: a new route never opens itself to tokens by
accident. `api_token_scopes` (an app-wide guard) checks the declaration against the caller's token:
403 problem details naming the missing scope. The declaration also writes the OpenAPI operation's
`security` (the scope on the bearer scheme) and a sentence of its description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.spec import Operation

from domain.accounts.api_token import NotForApiTokens, ScopeMissing, TokenScope
from entrypoints.http.sessions import AuthenticatedUser

ACCESS_OPT: Final = "api_token_access"
"""The route opt that holds the declaration: a TokenScope, ANY_TOKEN or SESSIONS_ONLY."""
ANY_TOKEN: Final = "any token"  # noqa: S105 - a declaration, not a secret
SESSIONS_ONLY: Final = "sessions only"
BEARER_SCHEME: Final = "BearerToken"
"""The OpenAPI security scheme of bearer tokens (Litestar's JWT auth names it so)."""

Access = TokenScope | str


def needs(scope: TokenScope, *, operation_class: type[Operation] = Operation) -> dict[str, Any]:
    """Route keyword arguments: an API token needs `scope` to call this route.

    `operation_class`: the route's own OpenAPI operation class, if it has one (its description is added to).
    """
    return _declare(scope, operation_class)


def any_token() -> dict[str, Any]:
    """Route keyword arguments: any live API token may call this route, whatever its scopes."""
    return _declare(ANY_TOKEN)


def sessions_only() -> dict[str, Any]:
    """Route keyword arguments: API tokens may not call this route; only a signed-in person may."""
    return _declare(SESSIONS_ONLY)


def _declare(access: Access, base: type[Operation] = Operation) -> dict[str, Any]:
    return {"opt": {ACCESS_OPT: access}, "operation_class": _operation_class(access, base)}


def access_of(handler: BaseRouteHandler) -> Access:
    """The route's declaration (SESSIONS_ONLY when it made none)."""
    access: Access = handler.opt.get(ACCESS_OPT, SESSIONS_ONLY)
    return access


def describe(access: Access) -> str:
    """The sentence the OpenAPI description gives the route's access."""
    if isinstance(access, TokenScope):
        return f"API tokens need the `{access.value}` scope."
    if access == ANY_TOKEN:
        return "Any API token may call this, whatever its scopes."
    return "Not for API tokens: only a signed-in person (session token or the web client's cookie) may call this."


async def api_token_scopes(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Let a call made with an API token through only where its scopes allow (sessions pass untouched)."""
    user = connection.scope.get("user")
    if not isinstance(user, AuthenticatedUser) or user.scopes is None:
        return
    access = access_of(handler)
    if access == ANY_TOKEN:
        return
    if not isinstance(access, TokenScope):
        raise NotForApiTokens()
    if access not in user.scopes:
        raise ScopeMissing(access)


def _operation_class(access: Access, base: type[Operation]) -> type[Operation]:
    sentence = describe(access)
    scopes = [access.value] if isinstance(access, TokenScope) else []

    @dataclass
    class DeclaredOperation(base):  # type: ignore[valid-type,misc]
        """The route's OpenAPI operation, with its API-token access in `security` and the description."""

        def __post_init__(self) -> None:
            if hasattr(super(), "__post_init__"):
                super().__post_init__()
            operation: Operation = self
            operation.description = f"{operation.description}\n\n{sentence}" if operation.description else sentence
            if access != SESSIONS_ONLY:
                operation.security = [{BEARER_SCHEME: scopes}]

    return DeclaredOperation
