"""Invite someone to an event."""

from application.scheduling.access import editable_event
from application.scheduling.dto import AddParticipant
from application.scheduling.references import user_with_email
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.scheduling.event import Event
from domain.scheduling.participant import Invitee


async def add_participant(command: AddParticipant, *, uow: UnitOfWork, clock: Clock) -> Event:
    """Invite the user with this email; inviting someone twice changes nothing."""
    async with uow:
        event, _ = await editable_event(uow, command.event_id, command.actor_id)
        user = await user_with_email(uow, command.email)
        invitee = Invitee(user_id=user.id, email=user.email, name=user.name)
        if event.add_participant(invitee, by_user_id=command.actor_id, now=clock.now()):
            await uow.events.save(event)
            await uow.commit()
    return event
