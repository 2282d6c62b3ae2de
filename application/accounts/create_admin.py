"""Create the first administrator (or another one) from the command line, whatever REGISTRATION says."""

from application.accounts.dto import RegisterUser
from application.accounts.register_user import open_account
from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.accounts.ports import PasswordHasher
from domain.accounts.user import MAX_NAME_LENGTH, User, acceptable_password
from domain.clock import Clock
from domain.scheduling.timezone import valid_time_zone_name
from domain.text import label


async def create_admin(command: RegisterUser, *, uow: UnitOfWork, hasher: PasswordHasher, clock: Clock) -> User:
    """An operator's step: an administrator account with its personal calendar; EmailAlreadyRegistered if taken."""
    email = normalize_email(command.email)
    label(command.name, field="name", max_length=MAX_NAME_LENGTH)
    valid_time_zone_name(command.timezone)
    acceptable_password(command.password)
    password_hash = await hasher.hash(command.password)
    return await open_account(command, email=email, password_hash=password_hash, uow=uow, clock=clock, make_admin=True)
