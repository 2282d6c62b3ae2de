"""Demote: take administration away from someone, and end their sessions at once."""

from application.accounts.dto import DemoteUser
from application.scheduling.access import administrator
from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.accounts.ports import SessionStore
from domain.accounts.user import User
from domain.errors import NotFound


async def demote_user(command: DemoteUser, *, uow: UnitOfWork, sessions: SessionStore) -> User:
    """No longer an administrator; every session of theirs ends (`actor_id` None: an operator)."""
    actor_id, email = command.actor_id, command.email
    async with uow:
        if actor_id is not None:
            await administrator(uow, actor_id)
        user = await uow.users.get_by_email(normalize_email(email))
        if user is None:
            raise NotFound("user", email)
        user.demote()
        await uow.users.save(user)
        await uow.commit()
    await sessions.end_all(user.id)
    return user
