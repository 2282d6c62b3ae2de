"""Register: a new account with its personal calendar; the very first account is an administrator."""

from application.scheduling.dto import RegisterUser
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import EmailAlreadyRegistered
from domain.scheduling.calendar import Calendar
from domain.scheduling.email import normalize_email
from domain.scheduling.ports import PasswordHasher
from domain.scheduling.timezone import valid_time_zone_name
from domain.scheduling.user import MAX_NAME_LENGTH, User, acceptable_password
from domain.text import label


async def register_user(command: RegisterUser, *, uow: UnitOfWork, hasher: PasswordHasher, clock: Clock) -> User:
    """Create the account and its personal calendar."""
    # Cheap checks first: hashing is slow on purpose, so a doomed sign-up should not pay for it.
    email = normalize_email(command.email)
    label(command.name, field="name", max_length=MAX_NAME_LENGTH)
    valid_time_zone_name(command.timezone)
    acceptable_password(command.password)
    # Hash before the transaction: hashing is slow on purpose and must not hold a database connection.
    password_hash = await hasher.hash(command.password)
    async with uow:
        if await uow.users.get_by_email(email) is not None:
            raise EmailAlreadyRegistered(email)
        is_first_user = await uow.users.count() == 0
        now = clock.now()
        user = User.register(
            email=email,
            name=command.name,
            password_hash=password_hash,
            timezone=command.timezone,
            is_admin=is_first_user,
            now=now,
        )
        await uow.users.add(user)
        await uow.calendars.add(Calendar.personal_for(user, now=now))
        await uow.commit()
    return user
