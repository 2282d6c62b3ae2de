"""Cancel an event (what deleting it means): its room is freed and its participants are told."""

from application.scheduling.access import editable_event
from application.scheduling.dto import CancelEvent
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.scheduling.event import Event


async def cancel_event(command: CancelEvent, *, uow: UnitOfWork, clock: Clock) -> Event:
    """Call the event off; cancelling a cancelled event changes nothing."""
    async with uow:
        event, _ = await editable_event(uow, command.event_id, command.actor_id)
        event.check_version(command.expected_version)
        if not event.is_cancelled:
            event.cancel(by_user_id=command.actor_id, now=clock.now())
            await uow.events.save(event)
            await uow.commit()
    return event
