"""Import an iCalendar file into a calendar: refuse what is not one at once, then queue a job that does it."""

from typing import Protocol
from uuid import UUID

from application.scheduling.access import readable_calendar
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import PermissionDenied
from domain.jobs.job import Job, JobKind, JobSource
from domain.scheduling.calendar_file import checked_calendar_file

READ_SOURCE = JobSource(key="read", label="reading the file")
STORE_SOURCE = JobSource(key="store", label="storing its events")


class CalendarImportQueue(Protocol):
    """Where import jobs wait for a worker."""

    async def run_import(self, *, job_id: UUID, calendar_id: UUID, data: bytes) -> str:
        """Queue the import of `data` into the calendar as job `job_id`; answers the queue's task id."""
        ...


async def start_calendar_import(
    calendar_id: UUID, data: bytes, *, actor_id: UUID, uow: UnitOfWork, clock: Clock, queue: CalendarImportQueue
) -> Job:
    """A queued `ics_import` job of the actor, for a calendar they may add events to.

    NotACalendarFile (422) for bytes that are plainly not iCalendar; NotFound for a calendar they do
    not see, PermissionDenied for one they only view.
    """
    async with uow:
        calendar = await readable_calendar(uow, calendar_id, actor_id)
        if not calendar.can_write(actor_id):
            raise PermissionDenied("viewers cannot import events into this calendar")
        body = checked_calendar_file(data)
        job = Job.create(
            kind=JobKind.ICS_IMPORT, owner_id=actor_id, now=clock.now(), sources=[READ_SOURCE, STORE_SOURCE]
        )
        await uow.jobs.add(job)
        await uow.commit()
    await queue.run_import(job_id=job.id, calendar_id=calendar.id, data=body)
    return job
