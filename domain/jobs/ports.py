"""Where jobs are kept."""

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.jobs.job import Job, JobKind


class JobRepository(Protocol):
    """Jobs of every owner."""

    async def add(self, job: Job) -> None:
        """Store a new job."""
        ...

    async def get(self, job_id: UUID, *, for_update: bool = False) -> Job | None:
        """The job, locked until the unit of work ends when `for_update`."""
        ...

    async def save(self, job: Job) -> None:
        """Store the job's new state."""
        ...

    async def partial_before(self, now: datetime, limit: int) -> list[Job]:
        """Partial jobs (oldest first) whose missing sources are due for a retry."""
        ...

    async def purge_complete(self, kind: JobKind, finished_before: datetime, limit: int) -> int:
        """Delete up to `limit` complete jobs of `kind` finished before then; answers how many."""
        ...
