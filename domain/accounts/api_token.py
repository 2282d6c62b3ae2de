"""Personal API tokens: named secrets a person gives an integration, each good for a few scopes only.

The secret is `plnr_` and 256 random bits, shown once; only its SHA-256 is kept (256 random bits
need no salt or slow hash), so a reader of the database cannot call the API with it. The prefix lets
secret scanners (GitHub's, gitleaks) recognise a leaked token. A token never does more than its owner
may, and only what its scopes name; it cannot manage tokens, passwords or sessions.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import InvalidInput, PermissionDenied
from domain.identity import new_id

TOKEN_PREFIX = "plnr_"  # noqa: S105 - not a secret: what every secret starts with
MAX_NAME_LENGTH = 100
_SECRET = re.compile(rf"^{TOKEN_PREFIX}[A-Za-z0-9_-]{{40,60}}$")


class TokenScope(StrEnum):
    """What a token may be used for; each route names the one it needs."""

    EVENTS_READ = "events:read"
    EVENTS_WRITE = "events:write"
    ROOMS_READ = "rooms:read"
    ROOMS_WRITE = "rooms:write"
    NOTIFICATIONS_READ = "notifications:read"
    ADMIN = "admin"


class ScopeMissing(PermissionDenied):
    """An API token was used for something its scopes do not cover."""

    code = "scope_missing"
    title = "TokenScope missing"

    def __init__(self, scope: TokenScope) -> None:
        super().__init__(f"this API token lacks the {scope.value} scope")
        self.scope = scope


class NotForApiTokens(PermissionDenied):
    """A route that only a signed-in person may use (tokens, password, sessions, the web pages)."""

    code = "not_for_api_tokens"
    title = "Not for API tokens"

    def __init__(self) -> None:
        super().__init__("API tokens cannot use this route: sign in as the person instead")


def api_token_digest(secret: str) -> str:
    """What is stored of a token's secret: its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def is_api_token(secret: str) -> bool:
    """Tell whether `secret` has the shape of a token planner makes (a JWT never does)."""
    return _SECRET.match(secret) is not None


@dataclass(frozen=True, kw_only=True)
class ApiToken:
    """One token of one person; `last_used_*` say when and from which address it was last used."""

    id: UUID
    user_id: UUID
    name: str
    scopes: frozenset[TokenScope]
    token_digest: str
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    last_used_from: str | None = None

    @classmethod
    def issue(
        cls,
        *,
        user_id: UUID,
        name: str,
        scopes: Iterable[TokenScope],
        expires_at: datetime | None,
        owner_is_admin: bool,
        now: datetime,
    ) -> tuple[ApiToken, str]:
        """A new token and its secret (shown once); InvalidInput or PermissionDenied when it may not be."""
        name = name.strip()
        if not name or len(name) > MAX_NAME_LENGTH:
            raise InvalidInput("name", f"a token needs a name of 1 to {MAX_NAME_LENGTH} characters")
        granted = frozenset(scopes)
        if not granted:
            raise InvalidInput("scopes", "a token needs at least one scope")
        if TokenScope.ADMIN in granted and not owner_is_admin:
            raise PermissionDenied("only administrators can give a token the admin scope")
        if expires_at is not None and expires_at <= now:
            raise InvalidInput("expires_at", "a token must expire in the future")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls(
            id=new_id(now),
            user_id=user_id,
            name=name,
            scopes=granted,
            token_digest=api_token_digest(secret),
            created_at=now,
            expires_at=expires_at,
        )
        return token, secret
