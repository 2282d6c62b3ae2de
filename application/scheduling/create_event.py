"""Create an event, book its room and invite its participants."""

from dataclasses import replace
from uuid import UUID

from application.scheduling.dto import CreateEvent
from application.scheduling.references import actor_and_invitees
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import InvalidInput, PermissionDenied
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event


async def create_event(command: CreateEvent, *, uow: UnitOfWork, clock: Clock) -> Event:
    """Create the event in a calendar the actor may write to; RoomAlreadyBooked if its room is taken.

    The room is not read first: storing the event refuses a room that does not exist (InvalidInput
    naming `room_id`) as it refuses one that is taken.
    """
    async with uow:
        organizer, invitees = await actor_and_invitees(uow, command.actor_id, command.participants)
        calendar = await _target_calendar(uow, command.calendar_id, organizer.id)
        new = replace(command.event, invitees=invitees)
        event = Event.create(new, calendar_id=calendar.id, organizer=organizer, now=clock.now())
        await uow.events.add(event)
        await uow.commit()
    return event


async def _target_calendar(uow: UnitOfWork, calendar_id: UUID | None, organizer_id: UUID) -> Calendar:
    if calendar_id is None:
        calendar = await uow.calendars.personal_calendar_of(organizer_id)
    else:
        calendar = await uow.calendars.get(calendar_id)
    # A calendar the organizer cannot see is reported like one that does not exist.
    if calendar is None or not calendar.can_read(organizer_id):
        raise InvalidInput("calendar_id", "no such calendar")
    if not calendar.can_write(organizer_id):
        raise PermissionDenied("viewers cannot add events to this calendar")
    return calendar
