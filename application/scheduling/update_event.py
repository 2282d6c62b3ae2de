"""Update an event: its fields, its room, its guest list, its reminders."""

from dataclasses import replace

from application.scheduling.access import editable_event
from application.scheduling.dto import UpdateEvent
from application.scheduling.references import bookable_room, invitees_with_emails
from application.unit_of_work import UnitOfWork
from domain.changes import UNSET
from domain.clock import Clock
from domain.scheduling.event import Event


async def update_event(command: UpdateEvent, *, uow: UnitOfWork, clock: Clock) -> Event:
    """Apply an editor's changes; StaleVersion if the event moved on since the client read it."""
    async with uow:
        event, _ = await editable_event(uow, command.event_id, command.actor_id)
        event.check_version(command.expected_version)
        changes = command.changes
        if changes.room_id is not UNSET and changes.room_id is not None and changes.room_id != event.room_id:
            await bookable_room(uow, changes.room_id)
        if command.participants is not UNSET:
            changes = replace(changes, invitees=await invitees_with_emails(uow, command.participants))
        version_before = event.version
        event.update(changes, by_user_id=command.actor_id, now=clock.now())
        if event.version != version_before:
            await uow.events.save(event)
            await uow.commit()
    return event
