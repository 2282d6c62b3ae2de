"""Authentication: a session's JWT (bearer header or the web sign-in's HttpOnly cookie), or a personal API token.

A bearer value starting `plnr_` is a personal API token, looked up in the database on every call;
anything else is a session's JWT.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self, final

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.authentication import AuthenticationResult
from litestar.security.jwt import JWTCookieAuth, JWTCookieAuthenticationMiddleware, Token

from application.accounts.api_tokens import use_api_token
from application.accounts.dto import UseApiToken
from domain.accounts.api_token import TOKEN_PREFIX
from domain.clock import SystemClock
from entrypoints.http.sessions import COOKIE_NAME, TOKEN_LIFETIME, AuthenticatedUser, accounts_of, user_from_token
from entrypoints.settings import Settings

__all__ = ["COOKIE_NAME", "PUBLIC_PATHS", "TOKEN_LIFETIME", "AuthenticatedUser", "RememberedToken", "jwt_auth"]

# Routes anyone may call; everything else needs a valid token.
PUBLIC_PATHS = [
    "^/health$",  # not /health/details, which is for administrators
    "^/schema",
    "^/api/auth/register$",
    "^/api/auth/login$",
    "^/api/auth/logout$",
    "^/saq/static",
]


VERIFIED_TOKENS_KEPT = 8192
"""Per process: enough for everyone signed in at once on a large site, in a few MB."""


@final
@dataclass
class RememberedToken(Token):
    """A Token whose verified decodings are remembered: a client sends the same token on every request.

    Checking the signature and parsing the claims costs more than a whole cached week view; a token
    already verified is only checked for expiry again. Tokens that fail verification are not
    remembered, so a forged token costs the full check every time. Whether its session is still
    live is not remembered here: `user_from_token` checks that on every request (entrypoints.http.sessions).
    """

    @classmethod
    def decode(  # noqa: PLR0917 (the signature is Token.decode's)
        cls,
        encoded_token: str,
        secret: str,
        algorithm: str,
        audience: str | Sequence[str] | None = None,
        issuer: str | Sequence[str] | None = None,
        require_claims: Sequence[str] | None = None,
        verify_exp: bool = True,
        verify_nbf: bool = True,
        strict_audience: bool = False,
    ) -> Self:
        checks = (audience, issuer, require_claims, verify_exp, verify_nbf, strict_audience)
        if checks != (None, None, None, True, True, False):
            # Only planner's own settings are remembered; anything else is checked in full every time.
            return super().decode(encoded_token, secret, algorithm, *checks)
        token: Self = _verified(encoded_token, secret, algorithm)
        if token.exp <= datetime.now(UTC):
            raise NotAuthorizedException("Invalid token")
        return token


@functools.lru_cache(maxsize=VERIFIED_TOKENS_KEPT)
def _verified(encoded_token: str, secret: str, algorithm: str) -> Any:
    # Token.decode itself, making a RememberedToken (super() has no class to start from here).
    return Token.decode.__func__(RememberedToken, encoded_token, secret, algorithm)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ApiTokenAuth:
    """`request.auth` of a call made with a personal API token (`exp`: when it expires, None for never)."""

    token_id: Any
    exp: datetime | None


METRICS_PATH = "/metrics"


@dataclass(frozen=True)
class MetricsScrape:
    """`request.auth` of a GET /metrics made with METRICS_TOKEN: a scraper, no person (`request.user` is None)."""


def _is_metrics_token(encoded_token: str, connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    from entrypoints.http.dependencies import container_of  # the container is built from this module's classes

    expected = container_of(connection.app).settings.metrics_token
    return expected is not None and hmac.compare_digest(encoded_token.encode(), expected.encode())


class SessionOrApiTokenMiddleware(JWTCookieAuthenticationMiddleware):
    """Litestar's JWT middleware, which also takes personal API tokens (`plnr_...`) and, on /metrics, METRICS_TOKEN."""

    async def authenticate_token(
        self, encoded_token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        if connection.scope["path"] == METRICS_PATH and _is_metrics_token(encoded_token, connection):
            return AuthenticationResult(user=None, auth=MetricsScrape())
        if not encoded_token.startswith(TOKEN_PREFIX):
            return await super().authenticate_token(encoded_token, connection)
        address = connection.client.host if connection.client else None
        holder = await use_api_token(
            UseApiToken(secret=encoded_token, address=address), tokens=accounts_of(connection).api_tokens, clock=_CLOCK
        )
        if holder is None:
            raise NotAuthorizedException("Invalid, expired or revoked API token")
        user = AuthenticatedUser(
            id=holder.user_id, is_admin=holder.is_admin, api_token_id=holder.token_id, scopes=holder.scopes
        )
        return AuthenticationResult(user=user, auth=ApiTokenAuth(token_id=holder.token_id, exp=holder.expires_at))


_CLOCK = SystemClock()


def jwt_auth(settings: Settings) -> JWTCookieAuth[AuthenticatedUser, Token]:
    return JWTCookieAuth[AuthenticatedUser, Token](
        retrieve_user_handler=user_from_token,
        token_cls=RememberedToken,
        token_secret=settings.secret_key,
        key=COOKIE_NAME,
        secure=settings.is_production,
        samesite="lax",
        default_token_expiration=TOKEN_LIFETIME,
        exclude=PUBLIC_PATHS,
        authentication_middleware_class=SessionOrApiTokenMiddleware,
        description="A bearer token: a personal API token (`plnr_...`, from POST /api/tokens or the web client's "
        "Tokens page; limited to its scopes), or a session token from POST /api/auth/login (good while its "
        "session lasts: 12 hours at most, until sign-out). The web client uses the HttpOnly cookie its /login "
        "form sets.",
    )
