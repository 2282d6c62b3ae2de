"""Administration: promote users."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import JSONBody

from application.scheduling.dto import PromoteUser
from application.scheduling.promote_user import promote_user
from entrypoints.http.dependencies import Actor, ClockDep, UoW
from entrypoints.http.problems import problems
from entrypoints.http.schemas.users import User, UserPromote


class AdminController(Controller):
    path = "/api/admin"
    tags = ["Admin"]

    @post(
        "/promotions",
        operation_id="promoteUser",
        responses=problems(401, 403, 404, 422),
        summary="Make someone an administrator (administrators)",
    )
    async def promote(self, data: JSONBody[UserPromote], actor: Actor, uow: UoW, clock: ClockDep) -> User:
        return User.of(await promote_user(PromoteUser(email=data.email, actor_id=actor.id), uow=uow, clock=clock))
