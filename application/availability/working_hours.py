"""A person's working hours: read (the default week until they set theirs) and replaced."""

from uuid import UUID

from application.availability.dto import SetWorkingHours
from application.unit_of_work import UnitOfWork
from domain.availability.working_hours import WorkingHours
from domain.clock import Clock
from domain.errors import NotFound


async def get_working_hours(actor_id: UUID, *, uow: UnitOfWork) -> WorkingHours:
    """The caller's working hours: Monday to Friday 09:00-17:00 in their zone until they set others."""
    async with uow:
        found = await uow.availability.working_hours_of([actor_id])
        if actor_id in found:
            return found[actor_id]
        user = await uow.users.get(actor_id)
        if user is None:
            raise NotFound("user", actor_id)
        return WorkingHours.default(user.timezone)


async def set_working_hours(command: SetWorkingHours, *, uow: UnitOfWork, clock: Clock) -> WorkingHours:
    """Replace the caller's working week."""
    hours = WorkingHours.parse(command.timezone, command.days)
    async with uow:
        await uow.availability.set_working_hours(command.actor_id, hours, now=clock.now())
        await uow.commit()
    return hours
