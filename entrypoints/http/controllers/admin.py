"""Administration: promote users, see who is connected."""

from __future__ import annotations

from litestar import Controller, get, post

from application.accounts.dto import PromoteUser
from application.accounts.promote_user import promote_user
from domain.accounts.api_token import TokenScope
from entrypoints.guards import admins_only
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.examples import UserPromoteBody
from entrypoints.http.schemas.notifications import Connections
from entrypoints.http.schemas.users import User
from entrypoints.http.scopes import needs
from entrypoints.http.sse import all_connections


class AdminController(Controller):
    path = "/api/admin"
    tags = ["Admin"]

    @post(
        "/promotions",
        operation_id="promoteUser",
        **needs(TokenScope.ADMIN),
        responses=problems(401, 403, 404, 422),
        summary="Make someone an administrator (administrators)",
    )
    async def promote(self, data: UserPromoteBody, ctx: Ctx) -> User:
        """Make the person with this email an administrator. They get administration at once (rights are read from
        the database on every request)."""
        return User.of(
            await promote_user(PromoteUser(email=data.email, actor_id=ctx.actor.id), uow=ctx.uow, clock=ctx.clock)
        )

    @get(
        "/connections",
        operation_id="listConnections",
        **needs(TokenScope.ADMIN),
        guards=[admins_only],
        responses=problems(401, 403),
        summary="Open notification streams per user, summed over every web process (administrators)",
    )
    async def connections(self, ctx: Ctx) -> Connections:
        """How many people have the live notification stream open, and how many streams each, summed over every web
        process."""
        per_user = await all_connections(ctx.container.connections.redis)
        return Connections(active_users=len(per_user), connections=sum(per_user.values()), per_user=per_user)
