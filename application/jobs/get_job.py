"""Reading a job: only its owner and administrators may know it exists."""

from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.errors import NotFound
from domain.jobs.job import Job


async def get_job(job_id: UUID, *, actor_id: UUID, is_admin: bool, uow: UnitOfWork) -> Job:
    """The job, or NotFound for anyone but its owner and administrators."""
    async with uow:
        job = await uow.jobs.get(job_id)
    if job is None or not job.visible_to(actor_id, is_admin=is_admin):
        raise NotFound("job", job_id)
    return job
