"""The API tokens page: make a token (its secret shown once), see mine, revoke one; the use cases of /api/tokens."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.accounts.api_tokens import create_api_token, list_api_tokens, revoke_api_token
from application.accounts.dto import CreateApiToken, RevokeApiToken
from domain.accounts.api_token import TokenScope
from domain.errors import DomainError, InvalidInput, NotFound
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.http.errors import domain_status
from entrypoints.http.sessions import accounts_of
from entrypoints.web.rendering import Viewer, ViewerDep, page

TokenId = Annotated[UUID, PathParameter()]
SCOPE_HINTS = {
    TokenScope.EVENTS_READ: "read calendars, events and jobs",
    TokenScope.EVENTS_WRITE: "create, change and cancel events, answer invitations, manage calendars",
    TokenScope.ROOMS_READ: "see rooms and when they are free",
    TokenScope.ROOMS_WRITE: "add and change rooms (administrators)",
    TokenScope.NOTIFICATIONS_READ: "read notifications and their stream, mark them read",
    TokenScope.ADMIN: "administration (administrators only)",
}


class ApiTokenPages(Controller):
    include_in_schema = False

    @get("/tokens", name="api_tokens")
    async def tokens(self, request: Request[Any, Any, Any], viewer: ViewerDep) -> Template:
        return await _page(request, viewer)

    @post("/tokens")
    async def create(self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep) -> Template:
        form = await request.form()
        values = {"name": str(form.get("name", "")).strip(), "expires": str(form.get("expires", "")).strip()}
        chosen = [str(value) for value in form.getall("scopes")] if "scopes" in form else []
        try:
            scopes = frozenset(TokenScope(value) for value in chosen)
            expires_at = _end_of(values["expires"], viewer)
            token, secret = await create_api_token(
                CreateApiToken(actor_id=viewer.user.id, name=values["name"], scopes=scopes, expires_at=expires_at),
                uow=uow,
                tokens=accounts_of(request).api_tokens,
                clock=clock,
            )
        except ValueError:
            error: DomainError = InvalidInput("scopes", "choose scopes from the list")
            return await _page(request, viewer, values=values, chosen=chosen, error=error)
        except DomainError as refused:
            return await _page(request, viewer, values=values, chosen=chosen, error=refused)
        return await _page(request, viewer, made={"name": token.name, "secret": secret})

    @post("/tokens/{token_id:uuid}/revoke")
    async def revoke(self, request: Request[Any, Any, Any], token_id: TokenId, viewer: ViewerDep) -> Response[Any]:
        # Revoked already (another tab), or not mine: the list shows what is left either way.
        with contextlib.suppress(NotFound):
            await revoke_api_token(
                RevokeApiToken(actor_id=viewer.user.id, token_id=token_id), tokens=accounts_of(request).api_tokens
            )
        return Redirect("/tokens", status_code=HTTP_303_SEE_OTHER)


def _end_of(day: str, viewer: Viewer) -> datetime | None:
    """A token chosen to expire "on" a date works through that day in the person's zone."""
    if not day:
        return None
    try:
        last = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("expires", "give the date as on a calendar, e.g. 2027-06-30") from None
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=viewer.zone)


async def _page(
    request: Request[Any, Any, Any],
    viewer: Viewer,
    *,
    values: dict[str, str] | None = None,
    chosen: list[str] | None = None,
    error: DomainError | None = None,
    made: dict[str, str] | None = None,
) -> Template:
    tokens = await list_api_tokens(viewer.user.id, tokens=accounts_of(request).api_tokens)
    errors = {}
    if error is not None:
        field = error.field if isinstance(error, InvalidInput) else "scopes"
        errors[{"expires_at": "expires"}.get(field, field)] = error.detail[:1].upper() + error.detail[1:] + "."
    scopes = [scope for scope in TokenScope if scope is not TokenScope.ADMIN or viewer.user.is_admin]
    return page(
        "api_tokens.html",
        viewer=viewer,
        status_code=200 if error is None else domain_status(error),
        tokens=tokens,
        scopes=[(scope.value, SCOPE_HINTS[scope]) for scope in scopes],
        values=values or {"name": "", "expires": ""},
        chosen=chosen or [],
        errors=errors,
        made=made,
    )
