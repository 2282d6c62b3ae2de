"""ICS import jobs on PostgreSQL: all of a file's events or none, once however often the job runs."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest

from adapters.ics.reader import IcalendarReader
from application.scheduling.run_calendar_import import run_calendar_import
from application.scheduling.start_calendar_import import start_calendar_import
from domain.jobs.job import Job, JobStatus
from domain.scheduling.calendar_file import CalendarFile, CalendarFileEvent, EventTimes
from tests.integration.scheduling.office import PostgresOffice

THUNDERBIRD = (Path(__file__).parents[2] / "fixtures" / "ics" / "thunderbird_export.ics").read_bytes()


@dataclass
class QueuedImports:
    """The import queue port, remembering what was queued instead of handing it to SAQ."""

    queued: list[tuple[UUID, UUID, bytes]] = field(default_factory=list)

    async def run_import(self, *, job_id: UUID, calendar_id: UUID, data: bytes) -> str:
        self.queued.append((job_id, calendar_id, data))
        return f"ics-import:{job_id}"


@dataclass
class FileOf:
    """A reader port that answers a given reading, whatever the bytes."""

    calendar: CalendarFile

    def read(self, data: bytes) -> CalendarFile:
        return self.calendar


async def events_in(office: PostgresOffice, calendar_id: UUID) -> list[str]:
    rows = await office.rows("SELECT title FROM events WHERE calendar_id = :c ORDER BY title", c=calendar_id)
    return [row.title for row in rows]


async def started(office: PostgresOffice, data: bytes) -> tuple[Job, UUID, QueuedImports]:
    person = await office.person()
    async with office.unit_of_work() as uow:
        calendar = await uow.calendars.personal_calendar_of(person.id)
    assert calendar is not None
    queue = QueuedImports()
    job = await start_calendar_import(
        calendar.id, data, actor_id=person.id, uow=office.unit_of_work(), clock=office.clock, queue=queue
    )
    return job, calendar.id, queue


async def test_an_import_run_twice_imports_its_events_once(office: PostgresOffice) -> None:
    job, calendar_id, queue = await started(office, THUNDERBIRD)
    [(queued_job, queued_calendar, data)] = queue.queued
    assert (queued_job, queued_calendar) == (job.id, calendar_id)

    for _ in range(2):
        done = await run_calendar_import(
            job.id, calendar_id, data, uow=office.unit_of_work(), clock=office.clock, reader=IcalendarReader()
        )

    assert done is not None
    assert done.status is JobStatus.COMPLETE
    assert done.result["imported"] == 3
    assert await events_in(office, calendar_id) == ["Dentist", "Sprint planning", "Team summer party"]


async def test_a_file_that_cannot_be_read_fails_its_job_and_imports_nothing(office: PostgresOffice) -> None:
    job, calendar_id, queue = await started(office, b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")

    done = await run_calendar_import(
        job.id, calendar_id, queue.queued[0][2], uow=office.unit_of_work(), clock=office.clock, reader=IcalendarReader()
    )

    assert done is not None
    assert done.status is JobStatus.FAILED
    assert done.error is not None
    assert "END:VCALENDAR" in done.error
    assert await events_in(office, calendar_id) == []


async def test_an_import_the_database_refuses_midway_leaves_no_event_behind(office: PostgresOffice) -> None:
    job, calendar_id, _ = await started(office, THUNDERBIRD)
    times = EventTimes.timed(datetime(2027, 3, 1, 9, tzinfo=UTC), datetime(2027, 3, 1, 10, tzinfo=UTC))
    refused_by_postgresql = CalendarFile(
        events=(
            CalendarFileEvent(uid="first", title="Stored first", times=times),
            CalendarFileEvent(uid="second", title="Refused", description="a NUL \x00 byte", times=times),
        )
    )

    with pytest.raises(Exception, match="0x00"):
        await run_calendar_import(
            job.id,
            calendar_id,
            b"",
            uow=office.unit_of_work(),
            clock=office.clock,
            reader=FileOf(refused_by_postgresql),
        )

    assert await events_in(office, calendar_id) == []
    async with office.unit_of_work() as uow:
        failed = await uow.jobs.get(job.id)
    assert failed is not None
    assert failed.status is JobStatus.FAILED
