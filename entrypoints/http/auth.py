"""JWT authentication: a bearer header or the HttpOnly cookie that sign-in sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.security.jwt import JWTCookieAuth, Token

from entrypoints.settings import Settings

TOKEN_LIFETIME = timedelta(days=7)
COOKIE_NAME = "planner_token"

# Routes anyone may call; everything else needs a valid token.
PUBLIC_PATHS = [
    "^/health",
    "^/schema",
    "^/api/auth/register$",
    "^/api/auth/login$",
    "^/api/auth/logout$",
    "^/saq/static",
]


@dataclass(frozen=True)
class AuthenticatedUser:
    """Who a valid token says the caller is; use cases load the full user when they need it."""

    id: UUID
    is_admin: bool


async def user_from_token(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> AuthenticatedUser | None:
    try:
        user_id = UUID(token.sub)
    except ValueError:
        return None
    return AuthenticatedUser(id=user_id, is_admin=bool(token.extras.get("adm", False)))


def jwt_auth(settings: Settings) -> JWTCookieAuth[AuthenticatedUser, Token]:
    return JWTCookieAuth[AuthenticatedUser, Token](
        retrieve_user_handler=user_from_token,
        token_secret=settings.secret_key,
        key=COOKIE_NAME,
        secure=settings.is_production,
        samesite="lax",
        default_token_expiration=TOKEN_LIFETIME,
        exclude=PUBLIC_PATHS,
        description="A bearer token from POST /api/auth/login, or the HttpOnly cookie it sets.",
    )
