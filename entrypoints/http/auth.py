"""JWT authentication: a bearer header or the HttpOnly cookie of the web sign-in form, each naming a live session."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self, final

from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import JWTCookieAuth, Token

from entrypoints.http.sessions import COOKIE_NAME, TOKEN_LIFETIME, AuthenticatedUser, user_from_token
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
        description="A bearer token from POST /api/auth/login, or the HttpOnly cookie the web /login form sets; "
        "good while its session lasts (12 hours at most, until sign-out).",
    )
