"""Resolving what a request refers to by email or id, naming the request's field when it points nowhere."""

from collections.abc import Sequence
from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.accounts.user import User
from domain.errors import InvalidInput, NotFound
from domain.scheduling.event import MAX_PARTICIPANTS
from domain.scheduling.participant import Invitee
from domain.scheduling.room import Room


async def user_with_email(uow: UnitOfWork, email: str, *, field: str = "email") -> User:
    """Return the registered user with this email; InvalidInput naming `field` otherwise."""
    user = await uow.users.get_by_email(normalize_email(email, field=field))
    if user is None:
        raise InvalidInput(field, f"no user is registered with the email {email.strip()}")
    return user


async def invitees_with_emails(uow: UnitOfWork, emails: Sequence[str], *, field: str = "participants") -> list[Invitee]:
    """Return the registered users behind `emails` (duplicates dropped, order kept); all must exist."""
    wanted = _wanted_emails(emails, field=field)
    if not wanted:
        return []
    return _invitees(wanted, await uow.users.find(emails=wanted), field=field)


async def actor_and_invitees(
    uow: UnitOfWork, actor_id: UUID, emails: Sequence[str], *, field: str = "participants"
) -> tuple[User, list[Invitee]]:
    """The acting user and the registered users behind `emails`, read at once; NotFound if the actor is gone."""
    wanted = _wanted_emails(emails, field=field)
    found = await uow.users.find(ids=[actor_id], emails=wanted)
    actor = next((user for user in found if user.id == actor_id), None)
    if actor is None:
        raise NotFound("user", actor_id)
    return actor, _invitees(wanted, found, field=field)


def _wanted_emails(emails: Sequence[str], *, field: str) -> list[str]:
    if len(emails) > MAX_PARTICIPANTS:
        raise InvalidInput(field, f"an event has at most {MAX_PARTICIPANTS} participants")
    return list(dict.fromkeys(normalize_email(email, field=field) for email in emails))


def _invitees(wanted: Sequence[str], users: Sequence[User], *, field: str) -> list[Invitee]:
    found = {user.email: user for user in users}
    unknown = [email for email in wanted if email not in found]
    if unknown:
        raise InvalidInput(field, f"no user is registered with the email {unknown[0]}")
    return [Invitee(user_id=found[email].id, email=email, name=found[email].name) for email in wanted]


async def bookable_room(uow: UnitOfWork, room_id: UUID, *, field: str = "room_id") -> Room:
    """Return the room to book; InvalidInput naming `field` if there is no such room."""
    room = await uow.rooms.get(room_id)
    if room is None:
        raise InvalidInput(field, "no such room")
    return room
