"""Run an import job: read the file, then create all its events in one transaction, or none.

The events and the job's completion commit together, so a job that runs twice (a worker died)
imports once: the second run finds the job complete. What cannot be imported is listed in the
job's result with the reason: a part of the file planner does not support, or an event the domain
refuses (e.g. longer than an event may last).
"""

from uuid import UUID

from application.scheduling.calendar_files import event_of
from application.scheduling.start_calendar_import import READ_SOURCE, STORE_SOURCE
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import InvalidInput, NotFound
from domain.jobs.job import Job, JobStatus
from domain.json_value import JsonObject
from domain.scheduling.calendar_file import CalendarFile, CalendarFileReader, SkippedItem


async def run_calendar_import(
    job_id: UUID, calendar_id: UUID, data: bytes, *, uow: UnitOfWork, clock: Clock, reader: CalendarFileReader
) -> Job | None:
    """Import the file into the calendar as the job's owner; None for an unknown job."""
    async with uow:
        job = await uow.jobs.get(job_id, for_update=True)
        if job is None or job.status in (JobStatus.COMPLETE, JobStatus.FAILED):
            return job
        job.start(clock.now())
        await uow.jobs.save(job)
        await uow.commit()
    try:
        read = reader.read(data)
    except InvalidInput as refused:
        return await _fail(job_id, f"the file cannot be imported: {refused.detail}", uow=uow, clock=clock)
    except Exception:
        await _fail(job_id, "the file cannot be read, and nothing of it was imported", uow=uow, clock=clock)
        raise
    await _progress(job_id, loaded=len(read.events), uow=uow, clock=clock)
    try:
        return await _store(job_id, calendar_id, read, uow=uow, clock=clock)
    except Exception:
        # Nothing of the file was stored (the transaction rolled back); the job says so, and a retry stops there.
        await _fail(job_id, "the import failed, and nothing of the file was imported", uow=uow, clock=clock)
        raise


async def _store(job_id: UUID, calendar_id: UUID, read: CalendarFile, *, uow: UnitOfWork, clock: Clock) -> Job | None:
    """Create every event the domain accepts and complete the job, in one transaction."""
    async with uow:
        job = await uow.jobs.get(job_id, for_update=True)
        if job is None or job.status is not JobStatus.ACTIVE:
            return job
        calendar = await uow.calendars.get(calendar_id)
        owner = await uow.users.get(job.owner_id)
        if calendar is None or owner is None or not calendar.can_write(owner.id):
            job.fail("the calendar is gone, or its owner may no longer add events to it", clock.now())
            await uow.jobs.save(job)
            await uow.commit()
            return job
        skipped = list(read.skipped)
        imported = 0
        for file_event in read.events:
            try:
                event = event_of(file_event, calendar_id=calendar.id, owner=owner, now=clock.now())
            except (InvalidInput, NotFound) as refused:
                skipped.append(SkippedItem(file_event.uid, refused.detail))
                continue
            await uow.events.add(event)
            imported += 1
        now = clock.now()
        job.source_loaded(STORE_SOURCE.key, loaded=imported, now=now)
        job.finish(now, result=_result(imported, skipped))
        await uow.jobs.save(job)
        await uow.commit()
    return job


def _result(imported: int, skipped: list[SkippedItem]) -> JsonObject:
    return {"imported": imported, "skipped": [{"uid": item.uid, "reason": item.reason} for item in skipped]}


async def _progress(job_id: UUID, *, loaded: int, uow: UnitOfWork, clock: Clock) -> None:
    async with uow:
        job = await uow.jobs.get(job_id, for_update=True)
        if job is not None and job.status is JobStatus.ACTIVE:
            job.source_loaded(READ_SOURCE.key, loaded=loaded, now=clock.now())
            await uow.jobs.save(job)
            await uow.commit()


async def _fail(job_id: UUID, error: str, *, uow: UnitOfWork, clock: Clock) -> Job | None:
    async with uow:
        job = await uow.jobs.get(job_id, for_update=True)
        if job is not None and job.status is JobStatus.ACTIVE:
            job.fail(error, clock.now())
            await uow.jobs.save(job)
            await uow.commit()
    return job
