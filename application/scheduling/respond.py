"""Respond to an invitation: accepted, declined or tentative."""

from application.scheduling.access import visible_event
from application.scheduling.dto import Respond
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.scheduling.event import Event


async def respond(command: Respond, *, uow: UnitOfWork, clock: Clock) -> Event:
    """Record the actor's answer to their invitation; answering the same twice changes nothing."""
    async with uow:
        event, _ = await visible_event(uow, command.event_id, command.actor_id, for_update=True)
        version_before = event.version
        event.respond(command.actor_id, command.status, now=clock.now(), recurrence_id=command.recurrence_id)
        if event.version != version_before:
            await uow.events.save(event)
            await uow.commit()
    return event
