"""Jobs in memory; unlike the other fakes, not copied per transaction (what is written stays)."""

from datetime import datetime
from uuid import UUID

from domain.jobs.job import Job, JobKind, JobStatus


class InMemoryJobRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Job] = {}

    async def add(self, job: Job) -> None:
        self.rows[job.id] = job

    async def get(self, job_id: UUID, *, for_update: bool = False) -> Job | None:
        return self.rows.get(job_id)

    async def save(self, job: Job) -> None:
        self.rows[job.id] = job

    async def partial_before(self, now: datetime, limit: int) -> list[Job]:
        return [job for job in self.rows.values() if job.status is JobStatus.PARTIAL][:limit]

    async def purge_complete(self, kind: JobKind, finished_before: datetime, limit: int) -> int:
        old = [
            job.id
            for job in self.rows.values()
            if job.kind is kind and job.finished_at is not None and job.finished_at < finished_before
        ][:limit]
        for job_id in old:
            del self.rows[job_id]
        return len(old)
