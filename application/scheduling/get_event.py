"""Show one event."""

from uuid import UUID

from application.scheduling.access import visible_event
from application.unit_of_work import UnitOfWork
from domain.scheduling.event import Event


async def get_event(event_id: UUID, *, actor_id: UUID, uow: UnitOfWork) -> Event:
    """Return the event if the actor sees it; NotFound otherwise, even if it exists."""
    async with uow:
        event, _ = await visible_event(uow, event_id, actor_id)
    return event
