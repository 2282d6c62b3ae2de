"""The administrators' invitation form: the same use case as POST /api/admin/invitations."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Template

from application.accounts.dto import InviteUser
from application.accounts.invite import invite
from domain.errors import DomainError, InvalidInput, PermissionDenied
from entrypoints.http.controllers.invitations import invitation_url
from entrypoints.http.dependencies import ClockDep, UoW, container_of
from entrypoints.http.errors import domain_status
from entrypoints.http.sessions import accounts_of
from entrypoints.web.rendering import ViewerDep, page


class InvitationPages(Controller):
    include_in_schema = False

    @get("/admin/invitations", name="invitations")
    async def form(self, viewer: ViewerDep) -> Template:
        if not viewer.user.is_admin:
            raise PermissionDenied("only administrators can invite")
        return page("invitations.html", viewer=viewer, values={"email": ""}, errors={}, link=None)

    @post("/admin/invitations")
    async def create(self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep) -> Template:
        form = await request.form()
        email = str(form.get("email", "")).strip()
        try:
            invitation, token = await invite(
                InviteUser(email=email, actor_id=viewer.user.id),
                uow=uow,
                invitations=accounts_of(request).invitations,
                clock=clock,
            )
        except PermissionDenied:
            raise
        except DomainError as error:
            field = error.field if isinstance(error, InvalidInput) else "email"
            message = error.detail[:1].upper() + error.detail[1:] + "."
            return page(
                "invitations.html",
                viewer=viewer,
                status_code=domain_status(error),
                values={"email": email},
                errors={field: message},
                link=None,
            )
        link = {
            "email": invitation.email,
            "url": invitation_url(container_of(request.app).settings.public_base_url, token),
        }
        return page("invitations.html", viewer=viewer, values={"email": ""}, errors={}, link=link)
