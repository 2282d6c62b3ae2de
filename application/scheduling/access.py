"""Who may do what: loading the actor and the things they act on, refusing the rest.

What a caller may not see is NotFound (they cannot tell it exists); what they see but may not
change is PermissionDenied.
"""

from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.accounts.user import User
from domain.errors import NotFound, PermissionDenied
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event


async def signed_in_user(uow: UnitOfWork, user_id: UUID) -> User:
    """Return the acting user; NotFound if the account is gone."""
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


async def administrator(uow: UnitOfWork, user_id: UUID) -> User:
    """Return the acting user if they are an administrator; PermissionDenied otherwise."""
    user = await signed_in_user(uow, user_id)
    if not user.is_admin:
        raise PermissionDenied("only administrators can do this")
    return user


async def readable_calendar(uow: UnitOfWork, calendar_id: UUID, user_id: UUID) -> Calendar:
    """Return a calendar the user is a member of; NotFound otherwise."""
    calendar = await uow.calendars.get(calendar_id)
    if calendar is None:
        raise NotFound("calendar", calendar_id)
    calendar.ensure_readable_by(user_id)
    return calendar


async def visible_event(
    uow: UnitOfWork, event_id: UUID, user_id: UUID, *, for_update: bool = False
) -> tuple[Event, Calendar]:
    """Return an event the user sees, with its calendar; NotFound otherwise."""
    event = await (uow.events.get_for_update(event_id) if for_update else uow.events.get(event_id))
    calendar = None if event is None else await uow.calendars.get(event.calendar_id)
    if event is None or calendar is None:
        raise NotFound("event", event_id)
    event.ensure_visible_to(user_id, calendar)
    return event, calendar


async def editable_event(uow: UnitOfWork, event_id: UUID, user_id: UUID) -> tuple[Event, Calendar]:
    """Return an event the user may change, locked for the update; NotFound or PermissionDenied otherwise."""
    event, calendar = await visible_event(uow, event_id, user_id, for_update=True)
    event.ensure_editable_by(user_id, calendar)
    return event, calendar
