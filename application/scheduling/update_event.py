"""Update an event: its fields, its room, its guest list, its reminders."""

from application.scheduling.access import editable_event
from application.scheduling.dto import UpdateEvent
from application.scheduling.references import bookable_room, invitees_with_emails
from application.unit_of_work import UnitOfWork
from domain.changes import UNSET
from domain.clock import Clock
from domain.scheduling.event import Event, EventChanges


async def update_event(command: UpdateEvent, *, uow: UnitOfWork, clock: Clock) -> Event:
    """Apply an editor's changes; StaleVersion if the event moved on since the client read it."""
    async with uow:
        event, _ = await editable_event(uow, command.event_id, command.actor_id)
        event.check_version(command.expected_version)
        if command.room_id is not UNSET and command.room_id is not None and command.room_id != event.room_id:
            await bookable_room(uow, command.room_id)
        invitees = UNSET if command.participants is UNSET else await invitees_with_emails(uow, command.participants)
        changes = EventChanges(
            title=command.title,
            description=command.description,
            location=command.location,
            starts_at=command.starts_at,
            ends_at=command.ends_at,
            all_day=command.all_day,
            timezone=command.timezone,
            room_id=command.room_id,
            reminders=command.reminders,
            invitees=invitees,
        )
        version_before = event.version
        event.update(changes, by_user_id=command.actor_id, now=clock.now())
        if event.version != version_before:
            await uow.events.save(event)
            await uow.commit()
    return event
