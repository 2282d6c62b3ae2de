"""Jobs on PostgreSQL; sources and result are JSONB."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import JobRow
from domain.jobs.job import Job, JobKind, JobSource, JobStatus, SourceStatus


class SqlJobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: Job) -> None:
        await self._session.execute(insert(JobRow).values(id=job.id, **_fields(job)))

    async def get(self, job_id: UUID, *, for_update: bool = False) -> Job | None:
        statement = select(JobRow.__table__).where(JobRow.id == job_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).one_or_none()
        return None if row is None else _job(row)

    async def save(self, job: Job) -> None:
        await self._session.execute(
            update(JobRow)
            .where(JobRow.id == job.id)
            .values(**_fields(job))
            .execution_options(synchronize_session=False)
        )

    async def partial_before(self, now: datetime, limit: int) -> list[Job]:
        rows = await self._session.execute(
            select(JobRow.__table__)
            .where(JobRow.status == JobStatus.PARTIAL.value, JobRow.updated_at <= now)
            .order_by(JobRow.updated_at)
            .limit(limit)
        )
        return [_job(row) for row in rows]

    async def purge_complete(self, kind: JobKind, finished_before: datetime, limit: int) -> int:
        oldest = (
            select(JobRow.id)
            .where(
                JobRow.kind == kind.value,
                JobRow.status == JobStatus.COMPLETE.value,
                JobRow.finished_at < finished_before,
            )
            .limit(limit)
        )
        result = await self._session.execute(delete(JobRow).where(JobRow.id.in_(oldest)))
        return int(getattr(result, "rowcount", 0) or 0)


def _fields(job: Job) -> dict[str, Any]:
    return {
        "kind": job.kind.value,
        "owner_id": job.owner_id,
        "status": job.status.value,
        "progress": job.progress,
        "sources": [
            {
                "key": s.key,
                "label": s.label,
                "status": s.status.value,
                "error": s.error,
                "attempts": s.attempts,
                "loaded": s.loaded,
            }
            for s in job.sources
        ],
        "result": job.result,
        "error": job.error,
        "attempts": job.attempts,
        "first_failed_at": job.first_failed_at,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "finished_at": job.finished_at,
    }


def _job(row: Any) -> Job:
    return Job(
        id=row.id,
        kind=JobKind(row.kind),
        owner_id=row.owner_id,
        status=JobStatus(row.status),
        sources=[
            JobSource(
                key=s["key"],
                label=s["label"],
                status=SourceStatus(s["status"]),
                error=s.get("error"),
                attempts=s.get("attempts", 0),
                loaded=s.get("loaded", 0),
            )
            for s in row.sources
        ],
        result=row.result,
        error=row.error,
        attempts=row.attempts,
        first_failed_at=row.first_failed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
    )
