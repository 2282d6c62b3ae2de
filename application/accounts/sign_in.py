"""Sign in: check an email and password."""

import secrets
from weakref import WeakKeyDictionary

from application.accounts.dto import SignIn
from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.accounts.ports import PasswordHasher
from domain.accounts.user import User
from domain.errors import InvalidCredentials, InvalidInput

# A hash of a password nobody knows, per hasher: checked when the email is unknown, so that an unknown
# email costs the same slow verification as a wrong password and timing tells nobody who has an account.
_UNKNOWN_ACCOUNT_HASHES: WeakKeyDictionary[PasswordHasher, str] = WeakKeyDictionary()


async def sign_in(command: SignIn, *, uow: UnitOfWork, hasher: PasswordHasher) -> User:
    """Return the user whose email and password these are; InvalidCredentials otherwise."""
    try:
        email = normalize_email(command.email)
    except InvalidInput:
        email = None
    user = None
    if email is not None:
        async with uow:
            user = await uow.users.get_by_email(email)
    if user is None:
        await hasher.verify(await _unknown_account_hash(hasher), command.password)
        raise InvalidCredentials
    if not await hasher.verify(user.password_hash, command.password):
        raise InvalidCredentials
    return user


async def _unknown_account_hash(hasher: PasswordHasher) -> str:
    known = _UNKNOWN_ACCOUNT_HASHES.get(hasher)
    if known is None:
        known = _UNKNOWN_ACCOUNT_HASHES[hasher] = await hasher.hash(secrets.token_urlsafe(32))
    return known
