"""The sync use cases on in-memory ports: what a job becomes when Google or planner itself fails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from application.google_sync.one_at_a_time import MAX_ROUNDS
from application.google_sync.retry_partial_jobs import RetryPartialJobs, retry_partial_jobs
from application.google_sync.run_sync_job import RunSyncJob, run_sync_job
from application.google_sync.start_full_sync import StartFullSync, start_full_sync
from application.google_sync.sync_after_push import SyncAfterPush, sync_after_push
from application.google_sync.sync_calendar import SyncCalendar, sync_calendar
from domain.google_sync.errors import GoogleUnavailable
from domain.google_sync.model import (
    EventPage,
    GoogleAccount,
    GoogleTokens,
    NewChannel,
    RemoteCalendar,
    RemoteEvent,
    SyncOutcome,
)
from domain.jobs.job import Job, JobStatus
from domain.notifications.notification import NotificationDraft
from tests.fakes.clock import ManualClock
from tests.fakes.google_sync import InMemoryPushFlags, InMemorySyncLocks
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
    pushed: InMemoryPushFlags = field(default_factory=InMemoryPushFlags)
    locks: InMemorySyncLocks = field(default_factory=InMemorySyncLocks)

    def ports(self) -> dict[str, Any]:
        return {
            "uow": self.uow,
            "apis": self.apis,
            "clock": self.clock,
            "forget_reads": self.forget_reads,
            "tell_owner": self.tell_owner,
            "pushed": self.pushed,
            "locks": self.locks,
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


async def test_a_calendar_google_keeps_failing_is_missing_after_its_retries() -> None:
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


async def test_a_sync_asked_for_while_another_runs_is_done_by_the_one_running_never_at_once() -> None:
    sync, _, _, owner = a_sync({"work": []})
    full = await sync.start_full_sync(owner)
    await sync.run_job(full.id)
    listings: list[str] = []
    nested: list[Job | None] = []
    api = ScriptedApi({"work": []})

    async def list_events(calendar_id: str, *, sync_token: str | None, page_token: str | None) -> EventPage:
        listings.append(calendar_id)
        if len(listings) == 1:  # a push arrives while the first sync reads Google
            nested.append(await sync.sync_calendar(owner, "work"))
        return EventPage(events=[], next_page_token=None, next_sync_token=f"token-{len(listings)}")

    api.list_events = list_events  # type: ignore[method-assign]
    sync.apis = type("Apis", (), {"for_tokens": lambda self, tokens: api})()

    first = await sync.sync_calendar(owner, "work")

    assert listings == ["work", "work"], "the running sync went round again for the push; the push did not list"
    assert first is not None
    assert first.status is JobStatus.COMPLETE
    assert nested[0] is not None
    assert nested[0].status is JobStatus.COMPLETE
    mirror = sync.uow.database.google.mirrors[(owner, "work")]
    assert mirror.sync_token == "token-2"
    assert mirror.last_outcome is SyncOutcome.SYNCED


async def test_syncs_asked_for_without_end_stop_after_five_rounds_and_stay_asked_for() -> None:
    sync, _, _, owner = a_sync({"work": []})
    full = await sync.start_full_sync(owner)
    await sync.run_job(full.id)
    listings = 0
    api = ScriptedApi({"work": []})

    async def list_events(calendar_id: str, *, sync_token: str | None, page_token: str | None) -> EventPage:
        nonlocal listings
        listings += 1
        await sync.pushed.mark(owner, "work")  # Google keeps pushing
        return EventPage(events=[], next_page_token=None, next_sync_token="token")

    api.list_events = list_events  # type: ignore[method-assign]
    sync.apis = type("Apis", (), {"for_tokens": lambda self, tokens: api})()

    rounds = await sync_after_push(SyncAfterPush(user_id=owner, google_calendar_id="work"), **sync.ports())

    assert len(rounds) == 1
    assert listings == MAX_ROUNDS == 5
    assert await sync.pushed.is_set(owner, "work"), "the next sync (push, follow-up or cron) still does it"


async def test_a_sync_stops_storing_once_the_person_disconnected() -> None:
    sync, _, _, owner = a_sync({"work": []})
    full = await sync.start_full_sync(owner)
    await sync.run_job(full.id)
    api = ScriptedApi({"work": []})

    async def list_events(calendar_id: str, *, sync_token: str | None, page_token: str | None) -> EventPage:
        sync.uow.database.google.accounts.pop(owner)  # disconnected while Google was being read
        return EventPage(events=[_remote("late")], next_page_token=None, next_sync_token="after")

    api.list_events = list_events  # type: ignore[method-assign]
    sync.apis = type("Apis", (), {"for_tokens": lambda self, tokens: api})()

    job = await sync.sync_calendar(owner, "work")

    assert job is not None
    assert [(s.key, s.error) for s in job.missing_sources] == [("work", "Google Calendar was disconnected")]
    assert not sync.uow.database.google.events, "nothing was mirrored after the disconnect"
    assert sync.uow.database.google.mirrors[(owner, "work")].sync_token == "token"


async def test_a_job_shows_what_waits_for_a_retry_and_until_when() -> None:
    sync, jobs, _, owner = a_sync({"work": []})
    full = await sync.start_full_sync(owner)
    await sync.run_job(full.id)
    api = ScriptedApi({"work": []})
    seen: list[Any] = []

    async def list_events(calendar_id: str, *, sync_token: str | None, page_token: str | None) -> EventPage:
        if not seen:
            seen.append(None)
            raise GoogleUnavailable("Google answered 429", retry_after_s=0)
        seen.extend(job.result.get("waiting") for job in jobs.rows.values() if job.id != full.id)
        return EventPage(events=[], next_page_token=None, next_sync_token="after")

    api.list_events = list_events  # type: ignore[method-assign]
    sync.apis = type("Apis", (), {"for_tokens": lambda self, tokens: api})()

    job = await sync.sync_calendar(owner, "work")

    assert seen[1] == {"until": NOW.isoformat(), "reason": "Google answered 429"}
    assert job is not None
    assert "waiting" not in job.result, "nothing waits once it is done"


def _remote(google_id: str) -> RemoteEvent:
    return RemoteEvent(
        id=google_id,
        cancelled=False,
        title=google_id,
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=1, hours=1),
    )
