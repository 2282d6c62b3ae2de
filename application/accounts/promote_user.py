"""Promote: make a user an administrator."""

from application.accounts.dto import PromoteUser
from application.scheduling.access import administrator
from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.accounts.user import User
from domain.clock import Clock
from domain.errors import NotFound


async def promote_user(command: PromoteUser, *, uow: UnitOfWork, clock: Clock) -> User:
    """Make the user with this email an administrator; only administrators (or an operator) may."""
    async with uow:
        if command.actor_id is not None:
            await administrator(uow, command.actor_id)
        user = await uow.users.get_by_email(normalize_email(command.email))
        if user is None:
            raise NotFound("user", command.email)
        user.promote(by_user_id=command.actor_id, now=clock.now())
        await uow.users.save(user)
        await uow.commit()
    return user
