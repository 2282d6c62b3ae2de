"""Sessions behind the tokens: started at sign-in, checked on every request, renewed, ended.

A token names its session (`sid`); the session must still be in the database, and who holds it
(and whether they are an administrator) is read there, never from the token. Each process trusts a
check for `session_check_ttl_seconds` (at most 30), so an ended session takes effect everywhere
within that time, and at once in the process that ended it; an administrator's session is checked
on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import structlog
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import JWTCookieAuth, Token
from litestar.types import Message, Scope
from sqlalchemy.exc import SQLAlchemyError

from application.accounts.dto import SignOut, SignOutEverywhere
from application.accounts.sign_out import sign_out
from application.accounts.sign_out_everywhere import sign_out_everywhere
from domain.accounts.api_token import TokenScope
from domain.accounts.ports import ApiTokenStore, InvitationStore, SessionHolder, SessionStore

log = structlog.get_logger(__name__)

TOKEN_LIFETIME = timedelta(hours=12)
"""ASVS level 2 asks for at most 12 hours; the web client's cookie slides (renewed past half its life)."""
COOKIE_NAME = "planner_token"
SESSION_CLAIM = "sid"
CHECKS_KEPT = 65_536
"""Per process; past this many the remembered checks are dropped at once (each is re-checked on next use)."""
_RENEWAL = "planner_session_renewal"


@dataclass(frozen=True)
class AuthenticatedUser:
    """Who the caller is, as the database says: `is_admin` is read there, never taken from the token.

    A signed-in person (session) has `scopes` None: bound by no scope. A caller with a personal API
    token has its `api_token_id` and `scopes`, and may use only the routes those scopes name.
    """

    id: UUID
    is_admin: bool
    session_id: UUID | None = None
    api_token_id: UUID | None = None
    scopes: frozenset[TokenScope] | None = None

    @property
    def by_api_token(self) -> bool:
        return self.api_token_id is not None


class CheckedSessions:
    """Session checks remembered for `ttl_seconds`: one database read per session and lifetime, not per request.

    Only checks that found no administrator are remembered.
    """

    def __init__(
        self, store: SessionStore, *, ttl_seconds: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._store, self._ttl, self._monotonic = store, ttl_seconds, monotonic
        self._checked: dict[UUID, tuple[float, SessionHolder | None]] = {}

    async def holder(self, session_id: UUID, user_id: UUID) -> SessionHolder | None:
        """Who holds this session now; None when it ended or expired (or is someone else's)."""
        now = self._monotonic()
        remembered = self._checked.get(session_id)
        if remembered is not None and now - remembered[0] < self._ttl:
            holder = remembered[1]
            return holder if holder is not None and holder.user_id == user_id else None
        holder = await self._store.holder(session_id, user_id, now=datetime.now(UTC))
        # An administrator's session is never taken on trust: their powers are read from the database on
        # every request, so a demotion takes them away at once in every process. They are few.
        if self._ttl > 0 and not (holder is not None and holder.is_admin):
            if len(self._checked) >= CHECKS_KEPT:
                self._checked.clear()
            self._checked[session_id] = (now, holder)
        return holder

    def forget(self, session_id: UUID) -> None:
        self._checked.pop(session_id, None)

    def forget_user(self, user_id: UUID) -> None:
        for session_id, (_, holder) in list(self._checked.items()):
            if holder is not None and holder.user_id == user_id:
                self._checked.pop(session_id, None)


@dataclass(frozen=True)
class Accounts:
    """What the HTTP layer needs of accounts: the session store (and its checks), invitations and API tokens."""

    sessions: SessionStore
    checked: CheckedSessions
    invitations: InvitationStore
    api_tokens: ApiTokenStore


def accounts_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Accounts:
    """The sessions and invitations of the composition root's container."""
    # Imported here: the container (entrypoints.bootstrap) is built from this module's classes.
    from entrypoints.http.dependencies import container_of

    return container_of(connection.app).accounts


def _auth(connection: ASGIConnection[Any, Any, Any, Any]) -> JWTCookieAuth[AuthenticatedUser, Token]:
    from entrypoints.http.dependencies import container_of

    return container_of(connection.app).auth


async def user_from_token(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticatedUser | None:
    """The caller, if the token's session is live; as the database says now (admin or not)."""
    try:
        user_id, session_id = UUID(token.sub), UUID(str(token.extras.get(SESSION_CLAIM)))
    except ValueError:
        return None
    holder = await accounts_of(connection).checked.holder(session_id, user_id)
    if holder is None:
        return None
    if _from_cookie(connection) and _half_spent(token):
        # Sliding renewal for the web client: past half its life, the cookie is re-issued with the answer.
        connection.scope.setdefault("state", {})[_RENEWAL] = (user_id, session_id)
    return AuthenticatedUser(id=user_id, is_admin=holder.is_admin, session_id=session_id)


def _from_cookie(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return not connection.headers.get("authorization", "").partition(" ")[-1]


def _half_spent(token: Token) -> bool:
    issued = token.iat if token.iat.tzinfo else token.iat.replace(tzinfo=UTC)
    return datetime.now(UTC) - issued > TOKEN_LIFETIME / 2


async def start_session(connection: ASGIConnection[Any, Any, Any, Any], user_id: UUID) -> str:
    """Open a session for the user and answer its token."""
    now = datetime.now(UTC)
    session_id = await accounts_of(connection).sessions.start(user_id, now=now, expires_at=now + TOKEN_LIFETIME)
    return _token(connection, user_id, session_id)


def _token(connection: ASGIConnection[Any, Any, Any, Any], user_id: UUID, session_id: UUID) -> str:
    return _auth(connection).create_token(
        identifier=str(user_id), token_expiration=TOKEN_LIFETIME, token_extras={SESSION_CLAIM: str(session_id)}
    )


def session_cookie(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> Cookie:
    """The HttpOnly cookie that carries a session's token."""
    return Cookie(
        key=COOKIE_NAME,
        value=token,
        max_age=int(TOKEN_LIFETIME.total_seconds()),
        httponly=True,
        secure=_auth(connection).secure,
        samesite="lax",
        path="/",
    )


def cleared_cookie() -> Cookie:
    return Cookie(key=COOKIE_NAME, value="", max_age=0, path="/")


async def end_presented_session(request: Request[Any, Any, Any]) -> None:
    """End the session whose token the request carries, if any (sign-out needs no valid session)."""
    encoded = request.headers.get("authorization", "").partition(" ")[-1] or request.cookies.get(COOKIE_NAME, "")
    if not encoded:
        return
    auth = _auth(request)
    try:
        token = auth.token_cls.decode(encoded, auth.token_secret, auth.algorithm)
        session_id = UUID(str(token.extras.get(SESSION_CLAIM)))
    except (NotAuthorizedException, ValueError):
        return
    accounts = accounts_of(request)
    await sign_out(SignOut(session_id=session_id), sessions=accounts.sessions)
    accounts.checked.forget(session_id)


async def end_every_session(request: Request[Any, Any, Any], user_id: UUID) -> None:
    """End every session of the user (sign out everywhere)."""
    accounts = accounts_of(request)
    await sign_out_everywhere(SignOutEverywhere(user_id=user_id), sessions=accounts.sessions)
    accounts.checked.forget_user(user_id)


async def renew_session_cookie(message: Message, scope: Scope) -> None:
    """before_send: re-issue a half-spent cookie (and extend its session) on the answer to its request."""
    if message["type"] != "http.response.start":
        return
    renewal = scope.get("state", {}).pop(_RENEWAL, None)
    if renewal is None:
        return
    user_id, session_id = renewal
    request: Request[Any, Any, Any] = Request(scope)
    accounts = accounts_of(request)
    try:
        await accounts.sessions.extend(session_id, expires_at=datetime.now(UTC) + TOKEN_LIFETIME)
    except SQLAlchemyError:
        # The answer itself is ready: it goes out with the cookie it has, which a later request renews.
        log.warning("session.renewal_failed", session_id=str(session_id), exc_info=True)
        return
    cookie = session_cookie(request, _token(request, user_id, session_id))
    headers = list(message.get("headers", []))
    headers.append(cookie.to_encoded_header())
    message["headers"] = headers
