"""SAQ task of ICS import: run one import job."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from saq.types import Context

from application.scheduling.run_calendar_import import run_calendar_import
from entrypoints.worker.context import container_of


async def import_calendar_file(ctx: Context, *, job_id: str, calendar_id: str, data: str) -> dict[str, Any]:
    """Import an iCalendar file into a calendar: all its events in one transaction, or none."""
    container = container_of(ctx)
    job = await run_calendar_import(
        UUID(job_id),
        UUID(calendar_id),
        data.encode("utf-8"),
        uow=container.unit_of_work(),
        clock=container.clock,
        reader=container.calendar_file_reader,
    )
    if job is None:
        return {"job_id": job_id, "status": "unknown"}
    return {"job_id": job_id, "status": job.status.value, "progress": job.progress}
