"""Personal API tokens: make one (its secret answered once), list mine, revoke one."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.accounts.api_tokens import create_api_token, list_api_tokens, revoke_api_token
from application.accounts.dto import CreateApiToken, RevokeApiToken
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.api_tokens import ApiTokenCreate, ApiTokenInfo, ApiTokenList, NewApiToken
from entrypoints.http.scopes import sessions_only
from entrypoints.http.sessions import accounts_of

TokenId = Annotated[UUID, Parameter(description="The token's id (from GET /api/tokens)")]
NEW_TOKEN_EXAMPLE = Example(
    summary="A read-only token for a nightly export",
    value={"name": "nightly export", "scopes": ["events:read", "rooms:read"], "expires_at": "2027-06-30T00:00:00Z"},
)


class ApiTokenController(Controller):
    path = "/api/tokens"
    tags = ["API tokens"]

    @post(
        "/",
        operation_id="createApiToken",
        status_code=HTTP_201_CREATED,
        responses=problems(401, 403, 422),
        summary="Make a personal API token: its secret is in this answer only",
        **sessions_only(),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ApiTokenCreate, Body(examples=[NEW_TOKEN_EXAMPLE])],
        ctx: Ctx,
    ) -> Response[NewApiToken]:
        """A named token for an integration, good for the scopes asked (the `admin` scope for administrators
        only) until `expires_at`, or until revoked. Store `token` now: planner keeps only its SHA-256 and
        never shows it again. Send it as `Authorization: Bearer plnr_...`."""
        token, secret = await create_api_token(
            CreateApiToken(
                actor_id=ctx.actor.id, name=data.name, scopes=frozenset(data.scopes), expires_at=data.expires_at
            ),
            uow=ctx.uow,
            tokens=accounts_of(request).api_tokens,
            clock=ctx.clock,
        )
        answer = NewApiToken(
            id=token.id,
            name=token.name,
            scopes=sorted(token.scopes),
            created_at=token.created_at,
            expires_at=token.expires_at,
            token=secret,
        )
        return Response(answer, status_code=HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @get("/", operation_id="listApiTokens", responses=problems(401), summary="My API tokens", **sessions_only())
    async def list_tokens(self, request: Request[Any, Any, Any], ctx: Ctx) -> ApiTokenList:
        """Every token I made and have not revoked, newest first, with when and from which address each was last
        used (to the minute); never their secrets."""
        tokens = await list_api_tokens(ctx.actor.id, tokens=accounts_of(request).api_tokens)
        return ApiTokenList(items=[ApiTokenInfo.of(token) for token in tokens])

    @delete(
        "/{token_id:uuid}",
        operation_id="revokeApiToken",
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(401, 404),
        summary="Revoke one of my API tokens",
        **sessions_only(),
    )
    async def revoke(self, request: Request[Any, Any, Any], token_id: TokenId, ctx: Ctx) -> None:
        """The token stops working at once, in every web process: the next call with it gets 401."""
        await revoke_api_token(
            RevokeApiToken(actor_id=ctx.actor.id, token_id=token_id), tokens=accounts_of(request).api_tokens
        )
