"""Take someone off an event's guest list, or leave it."""

from application.scheduling.access import editable_event, visible_event
from application.scheduling.dto import RemoveParticipant
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.scheduling.event import Event


async def remove_participant(command: RemoveParticipant, *, uow: UnitOfWork, clock: Clock) -> Event:
    """Editors may remove anyone; a participant may remove themselves."""
    async with uow:
        if command.user_id == command.actor_id:
            event, _ = await visible_event(uow, command.event_id, command.actor_id, for_update=True)
        else:
            event, _ = await editable_event(uow, command.event_id, command.actor_id)
        event.remove_participant(command.user_id, by_user_id=command.actor_id, now=clock.now())
        await uow.events.save(event)
        await uow.commit()
    return event
