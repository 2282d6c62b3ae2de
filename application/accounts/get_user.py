"""Who am I: the signed-in user's account."""

from uuid import UUID

from application.scheduling.access import signed_in_user
from application.unit_of_work import UnitOfWork
from domain.accounts.user import User


async def get_user(user_id: UUID, *, uow: UnitOfWork) -> User:
    """Return the user; NotFound if the account is gone."""
    async with uow:
        return await signed_in_user(uow, user_id)
