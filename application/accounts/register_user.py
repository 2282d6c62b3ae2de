"""Register: a new account with its personal calendar; the very first account is an administrator."""

from application.accounts.dto import RegisterUser
from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.accounts.invitation import invitation_digest
from domain.accounts.ports import InvitationStore, PasswordHasher
from domain.accounts.registration import OPEN_REGISTRATION, RegistrationPolicy
from domain.accounts.user import MAX_NAME_LENGTH, User, acceptable_password
from domain.clock import Clock
from domain.errors import EmailAlreadyRegistered, InvalidInvitation, RegistrationClosed
from domain.scheduling.calendar import Calendar
from domain.scheduling.timezone import valid_time_zone_name
from domain.text import label


async def register_user(
    command: RegisterUser,
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    policy: RegistrationPolicy = OPEN_REGISTRATION,
    invitations: InvitationStore | None = None,
) -> User:
    """Create the account and its personal calendar, if `policy` (or an invitation) admits the email."""
    # Cheap checks first: hashing is slow on purpose, so a doomed sign-up should not pay for it.
    email = normalize_email(command.email)
    label(command.name, field="name", max_length=MAX_NAME_LENGTH)
    valid_time_zone_name(command.timezone)
    acceptable_password(command.password)
    # The invitation is judged before the email is looked up: a closed sign-up tells nobody who has an account.
    invited = command.invitation is not None
    if not invited and not policy.admits_uninvited(email):
        raise RegistrationClosed
    if invited and invitations is None:
        raise InvalidInvitation
    # Hash before the transaction: hashing is slow on purpose and must not hold a database connection.
    password_hash = await hasher.hash(command.password)
    invitation_id = None
    if invitations is not None and command.invitation is not None:
        # Claimed in a transaction of its own, so two sign-ups with one link cannot both pass.
        invitation_id = await invitations.claim(invitation_digest(command.invitation), email, now=clock.now())
        if invitation_id is None:
            raise InvalidInvitation
    try:
        return await open_account(
            command, email=email, password_hash=password_hash, uow=uow, clock=clock, make_admin=False
        )
    except BaseException:
        if invitations is not None and invitation_id is not None:
            await invitations.release(invitation_id)
        raise


async def open_account(
    command: RegisterUser, *, email: str, password_hash: str, uow: UnitOfWork, clock: Clock, make_admin: bool
) -> User:
    """Store the account and its personal calendar; an administrator if `make_admin` or the very first one."""
    async with uow:
        if await uow.users.get_by_email(email) is not None:
            raise EmailAlreadyRegistered(email)
        # count() locks when it finds no one, so of simultaneous first sign-ups exactly one is first.
        is_admin = make_admin or await uow.users.count() == 0
        now = clock.now()
        user = User.register(
            email=email,
            name=command.name,
            password_hash=password_hash,
            timezone=command.timezone,
            is_admin=is_admin,
            now=now,
        )
        await uow.users.add(user)
        await uow.calendars.add(Calendar.personal_for(user, now=now))
        await uow.commit()
    return user
