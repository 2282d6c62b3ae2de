"""Invitations: an administrator's single-use sign-up links."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.status_codes import HTTP_201_CREATED

from application.accounts.dto import InviteUser
from application.accounts.invite import invite
from domain.accounts.api_token import TokenScope
from entrypoints.guards import admins_only
from entrypoints.http.dependencies import Ctx, container_of
from entrypoints.http.problems import problems
from entrypoints.http.schemas.examples import InvitationCreateBody
from entrypoints.http.schemas.users import InvitationLink
from entrypoints.http.scopes import needs
from entrypoints.http.sessions import accounts_of

INVITATION_PATH = "/signup?invitation="


def invitation_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url}{INVITATION_PATH}{token}"


class InvitationController(Controller):
    path = "/api/admin/invitations"
    tags = ["Admin"]

    @post(
        "/",
        operation_id="createInvitation",
        **needs(TokenScope.ADMIN),
        guards=[admins_only],
        status_code=HTTP_201_CREATED,
        responses=problems(401, 403, 409, 422),
        summary="A single-use sign-up link for one email address (administrators)",
    )
    async def create(self, request: Request[Any, Any, Any], data: InvitationCreateBody, ctx: Ctx) -> InvitationLink:
        """A single-use sign-up link for one email address, good for 7 days (administrators)."""
        invitation, token = await invite(
            InviteUser(email=data.email, actor_id=ctx.actor.id),
            uow=ctx.uow,
            invitations=accounts_of(request).invitations,
            clock=ctx.clock,
        )
        return InvitationLink(
            url=invitation_url(container_of(request.app).settings.public_base_url, token),
            email=invitation.email,
            expires_at=invitation.expires_at,
        )
