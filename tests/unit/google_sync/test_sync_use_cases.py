"""The sync use cases on in-memory ports: what a job becomes when Google or planner itself fails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from application.google_sync.retry_partial_jobs import RetryPartialJobs, retry_partial_jobs
from application.google_sync.run_sync_job import RunSyncJob, run_sync_job
from application.google_sync.start_full_sync import StartFullSync, start_full_sync
from application.google_sync.sync_after_push import MAX_ROUNDS, SyncAfterPush, sync_after_push
from application.google_sync.sync_calendar import SyncCalendar, sync_calendar
from domain.google_sync.errors import GoogleUnavailable
from domain.google_sync.model import (
    EventPage,
    GoogleAccount,
    GoogleTokens,
    NewChannel,
    RemoteCalendar,
)
from domain.jobs.job import Job, JobStatus
from domain.notifications.notification import NotificationDraft
from tests.fakes.clock import ManualClock
from tests.fakes.jobs import InMemoryJobRepository
from tests.fakes.unit_of_work import FakeDatabase, FakeUnitOfWork

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TOKENS = GoogleTokens(access_token="a", refresh_token="r", expires_at=None)


class ScriptedApi:
    """A Google whose events.list answers per calendar: events, or an exception to raise."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.tokens = TOKENS

    async def list_calendars(self) -> list[RemoteCalendar]:
        return [RemoteCalendar(id=key, name=key.title(), time_zone="UTC") for key in self.answers]

    async def list_events(self, calendar_id: str, *, sync_token: str | None, page_token: str | None) -> EventPage:
        answer = self.answers[calendar_id]
        if isinstance(answer, Exception):
            raise answer
        return EventPage(events=answer, next_page_token=None, next_sync_token="token")

    async def watch(self, calendar_id: str, **_: Any) -> NewChannel:
        raise NotImplementedError

    async def stop_channel(self, **_: Any) -> None:
        raise NotImplementedError


class NoQueue:
    async def run_job(self, job_id: UUID) -> str:
        return str(job_id)

    async def sync_calendar(self, user_id: UUID, google_calendar_id: str) -> str:
        return google_calendar_id

    async def watch_calendars(self, user_id: UUID) -> str:
        return str(user_id)


def a_sync(
    answers: dict[str, Any], clock: ManualClock | None = None
) -> tuple[Sync, InMemoryJobRepository, list[NotificationDraft], UUID]:
    database = FakeDatabase()
    jobs, google = database.jobs, database.google
    owner = uuid4()
    google.accounts[owner] = GoogleAccount(user_id=owner, tokens=TOKENS, connected_at=NOW, updated_at=NOW)
    told: list[NotificationDraft] = []

    async def tell(draft: NotificationDraft) -> None:
        told.append(draft)

    async def forget(user_ids: Iterable[UUID]) -> None:
        pass

    class Apis:
        def for_tokens(self, tokens: GoogleTokens) -> ScriptedApi:
            return ScriptedApi(answers)

    return Sync(FakeUnitOfWork(database), Apis(), clock or ManualClock(NOW), forget, tell), jobs, told, owner


@dataclass
class Sync:
    """The sync use cases with these fakes as their ports."""

    uow: FakeUnitOfWork
    apis: Any
    clock: ManualClock
    forget_reads: Any
    tell_owner: Any

    def ports(self) -> dict[str, Any]:
        return {
            "uow": self.uow,
            "apis": self.apis,
            "clock": self.clock,
            "forget_reads": self.forget_reads,
            "tell_owner": self.tell_owner,
            "retry_base_seconds": 0,
        }

    async def start_full_sync(self, user_id: UUID) -> Job:
        return await start_full_sync(StartFullSync(user_id=user_id), uow=self.uow, clock=self.clock, queue=NoQueue())

    async def run_job(self, job_id: UUID) -> Job | None:
        return await run_sync_job(RunSyncJob(job_id=job_id), **self.ports())

    async def sync_calendar(self, user_id: UUID, google_calendar_id: str) -> Job | None:
        return await sync_calendar(SyncCalendar(user_id=user_id, google_calendar_id=google_calendar_id), **self.ports())

    async def retry_partial_jobs(self) -> dict[str, int]:
        return await retry_partial_jobs(
            RetryPartialJobs(), uow=self.uow, clock=self.clock, queue=NoQueue(), tell_owner=self.tell_owner
        )


async def test_a_calendar_google_keeps_failing_is_missing_after_three_retries() -> None:
    sync, _, _, owner = a_sync({"work": [], "home": GoogleUnavailable("Google answered 503")})
    job = await sync.start_full_sync(owner)
    finished = await sync.run_job(job.id)

    assert finished is not None
    assert finished.status is JobStatus.PARTIAL
    assert [(s.key, s.error) for s in finished.missing_sources] == [("home", "Google answered 503")]


async def test_an_unexpected_crash_leaves_a_partial_job_for_the_retry_cron() -> None:
    sync, _, _, owner = a_sync({"work": [], "home": RuntimeError("a bug")})
    job = await sync.start_full_sync(owner)
    finished = await sync.run_job(job.id)

    assert finished is not None
    assert finished.status is JobStatus.PARTIAL
    assert [(s.key, s.error) for s in finished.missing_sources] == [("home", "unexpected RuntimeError")]
    assert (await sync.retry_partial_jobs()) == {"retried": 1, "given_up": 0, "purged": 0}


async def test_complete_incremental_jobs_are_purged_after_a_week() -> None:
    clock = ManualClock(NOW)
    sync, jobs, _, owner = a_sync({"work": []}, clock)
    full = await sync.start_full_sync(owner)
    await sync.run_job(full.id)
    incremental = await sync.sync_calendar(owner, "work")
    assert incremental is not None
    assert incremental.status is JobStatus.COMPLETE

    assert (await sync.retry_partial_jobs())["purged"] == 0
    clock.advance(timedelta(days=8))
    assert (await sync.retry_partial_jobs())["purged"] == 1
    assert list(jobs.rows) == [full.id]


class PushesDuringSync:
    """Answers `take` from a script: True means Google pushed since the last take."""

    def __init__(self, *answers: bool, forever: bool = False) -> None:
        self.answers, self.forever = list(answers), forever

    async def take(self, user_id: UUID, google_calendar_id: str) -> bool:
        return self.answers.pop(0) if self.answers else self.forever


async def test_a_push_that_came_during_a_sync_makes_it_go_round_once_more() -> None:
    sync, _, _, owner = a_sync({"work": []})
    full = await sync.start_full_sync(owner)
    await sync.run_job(full.id)

    rounds = await sync_after_push(
        SyncAfterPush(user_id=owner, google_calendar_id="work"),
        pushed=PushesDuringSync(True, True, False),
        **sync.ports(),
    )

    assert [job.status for job in rounds if job is not None] == [JobStatus.COMPLETE, JobStatus.COMPLETE]


async def test_pushes_that_keep_coming_stop_after_five_rounds() -> None:
    sync, _, _, owner = a_sync({"work": []})
    full = await sync.start_full_sync(owner)
    await sync.run_job(full.id)

    rounds = await sync_after_push(
        SyncAfterPush(user_id=owner, google_calendar_id="work"), pushed=PushesDuringSync(forever=True), **sync.ports()
    )

    assert len(rounds) == MAX_ROUNDS == 5
