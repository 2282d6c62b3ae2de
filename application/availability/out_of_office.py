"""A person's out-of-office ranges: listed, marked, taken back."""

from uuid import UUID

from application.availability.dto import MarkOutOfOffice, RemoveOutOfOffice
from application.unit_of_work import UnitOfWork
from domain.availability.out_of_office import MAX_ABSENCES, OutOfOffice
from domain.clock import Clock
from domain.errors import InvalidInput, NotFound


async def list_out_of_office(actor_id: UUID, *, uow: UnitOfWork) -> list[OutOfOffice]:
    """The caller's out-of-office ranges, by start."""
    async with uow:
        return await uow.availability.out_of_office_of(actor_id)


async def mark_out_of_office(command: MarkOutOfOffice, *, uow: UnitOfWork, clock: Clock) -> OutOfOffice:
    """Mark the caller away; refused past MAX_ABSENCES ranges (take old ones back first)."""
    absence = OutOfOffice.mark(
        user_id=command.actor_id,
        starts_at=command.starts_at,
        ends_at=command.ends_at,
        note=command.note,
        now=clock.now(),
    )
    async with uow:
        if len(await uow.availability.out_of_office_of(command.actor_id)) >= MAX_ABSENCES:
            raise InvalidInput("starts_at", f"a person keeps at most {MAX_ABSENCES} out-of-office ranges")
        await uow.availability.add_out_of_office(absence)
        await uow.commit()
    return absence


async def remove_out_of_office(command: RemoveOutOfOffice, *, uow: UnitOfWork) -> None:
    """Take the range back; NotFound when the caller has none with this id (someone else's included)."""
    async with uow:
        if not await uow.availability.remove_out_of_office(command.actor_id, command.absence_id):
            raise NotFound("out-of-office range", command.absence_id)
        await uow.commit()
