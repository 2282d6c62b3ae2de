"""A job's status, progress and retry window, decided by the domain alone."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.jobs.job import Job, JobKind, JobSource, JobStatus, SourceStatus

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def a_job(*keys: str) -> Job:
    return Job.create(
        kind=JobKind.GOOGLE_FULL_SYNC,
        owner_id=uuid4(),
        now=NOW,
        sources=[JobSource(key=key, label=key.title()) for key in keys],
    )


def test_a_job_with_every_source_loaded_is_complete_at_100() -> None:
    job = a_job("work", "home")
    job.start(NOW)
    job.source_loaded("work", loaded=3, now=NOW)
    assert job.progress == 50
    job.source_loaded("home", loaded=1, now=NOW)
    job.finish(NOW)
    assert (job.status, job.progress, job.first_failed_at) == (JobStatus.COMPLETE, 100, None)


def test_a_missing_source_makes_the_job_partial_and_a_retry_runs_only_it() -> None:
    job = a_job("work", "home", "team")
    job.start(NOW)
    job.source_loaded("work", loaded=1, now=NOW)
    job.source_missing("home", error="Google answered 500", now=NOW)
    job.source_loaded("team", loaded=1, now=NOW)
    job.finish(NOW)
    assert (job.status, job.progress) == (JobStatus.PARTIAL, 66)
    assert [source.key for source in job.missing_sources] == ["home"]
    assert job.first_failed_at == NOW

    later = NOW + timedelta(minutes=5)
    job.start(later)
    assert [source.key for source in job.pending_sources] == ["home"]
    job.source_loaded("home", loaded=2, now=later)
    job.finish(later)
    assert (job.status, job.progress, job.attempts) == (JobStatus.COMPLETE, 100, 2)


def test_a_partial_job_is_given_up_three_hours_after_its_first_failure() -> None:
    job = a_job("work")
    job.start(NOW)
    job.source_missing("work", error="rate limited", now=NOW)
    job.finish(NOW)
    job.start(NOW + timedelta(hours=1))
    job.source_missing("work", error="rate limited", now=NOW + timedelta(hours=1))
    job.finish(NOW + timedelta(hours=1))

    assert job.first_failed_at == NOW
    assert not job.should_give_up(NOW + timedelta(hours=2, minutes=59))
    assert job.should_give_up(NOW + timedelta(hours=3))
    job.give_up(NOW + timedelta(hours=3))
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "Work" in job.error


def test_known_sources_keep_their_state_when_the_list_is_read_again() -> None:
    job = a_job("work")
    job.start(NOW)
    job.source_loaded("work", loaded=1, now=NOW)
    job.plan_sources([JobSource(key="work", label="Work"), JobSource(key="new", label="New")], NOW)
    assert [(s.key, s.status) for s in job.sources] == [("work", SourceStatus.DONE), ("new", SourceStatus.PENDING)]


def test_only_the_owner_and_admins_see_a_job() -> None:
    job = a_job("work")
    assert job.visible_to(job.owner_id, is_admin=False)
    assert job.visible_to(uuid4(), is_admin=True)
    assert not job.visible_to(uuid4(), is_admin=False)
