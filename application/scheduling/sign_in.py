"""Sign in: check an email and password."""

from application.scheduling.dto import SignIn
from application.unit_of_work import UnitOfWork
from domain.errors import InvalidCredentials, InvalidInput
from domain.scheduling.email import normalize_email
from domain.scheduling.ports import PasswordHasher
from domain.scheduling.user import User


async def sign_in(command: SignIn, *, uow: UnitOfWork, hasher: PasswordHasher) -> User:
    """Return the user whose email and password these are; InvalidCredentials otherwise."""
    try:
        email = normalize_email(command.email)
    except InvalidInput:
        raise InvalidCredentials from None
    async with uow:
        user = await uow.users.get_by_email(email)
    if user is None or not await hasher.verify(user.password_hash, command.password):
        raise InvalidCredentials
    return user
