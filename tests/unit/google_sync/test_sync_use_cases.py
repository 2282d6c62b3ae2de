"""The sync use cases on in-memory ports: what a job becomes when Google or planner itself fails."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from uuid import UUID, uuid4

from application.google_sync.sync import GoogleSync, SyncDependencies
from domain.google_sync.errors import GoogleUnavailable
from domain.google_sync.mirroring import MirroredPage
from domain.google_sync.model import (
    EventPage,
    GoogleAccount,
    GoogleTokens,
    MirroredCalendar,
    NewChannel,
    RemoteCalendar,
)
from domain.jobs.job import Job, JobKind, JobStatus
from domain.notifications.notification import NotificationDraft
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event
from domain.scheduling.user import User
from tests.fakes.clock import ManualClock

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TOKENS = GoogleTokens(access_token="a", refresh_token="r", expires_at=None)


class MemoryJobs:
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


class MemoryGoogle:
    def __init__(self) -> None:
        self.accounts: dict[UUID, GoogleAccount] = {}
        self.mirrors: dict[tuple[UUID, str], MirroredCalendar] = {}
        self.events: dict[tuple[UUID, str], Event] = {}

    async def account(self, user_id: UUID) -> GoogleAccount | None:
        return self.accounts.get(user_id)

    async def save_account(self, account: GoogleAccount) -> None:
        self.accounts[account.user_id] = account

    async def mirrored_calendar(self, user_id: UUID, google_calendar_id: str) -> MirroredCalendar | None:
        return self.mirrors.get((user_id, google_calendar_id))

    async def account_holder(self, user_id: UUID) -> User | None:
        if user_id not in self.accounts:
            return None
        return User(id=user_id, email="owner@example.com", name="Owner", password_hash="hash", created_at=NOW)

    async def add_mirror(self, calendar: Calendar, mirror: MirroredCalendar) -> MirroredCalendar:
        return self.mirrors.setdefault((mirror.user_id, mirror.google_calendar_id), mirror)

    async def save_mirrored_calendar(self, calendar: MirroredCalendar) -> None:
        self.mirrors[(calendar.user_id, calendar.google_calendar_id)] = calendar

    async def mirrored_events(self, calendar: MirroredCalendar, google_event_ids: Collection[str]) -> dict[str, Event]:
        found = {google_id: self.events.get((calendar.calendar_id, google_id)) for google_id in google_event_ids}
        return {google_id: event for google_id, event in found.items() if event is not None}

    async def apply_events(self, calendar: MirroredCalendar, page: MirroredPage) -> None:
        for google_id, event in page.added.items():
            self.events[(calendar.calendar_id, google_id)] = event
        self.events = {key: event for key, event in self.events.items() if event.id not in page.removed}


class MemoryUnitOfWork:
    def __init__(self, jobs: MemoryJobs, google: MemoryGoogle) -> None:
        self.jobs, self.google = jobs, google

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        pass

    async def commit(self) -> None:
        pass


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
) -> tuple[GoogleSync, MemoryJobs, list[NotificationDraft], UUID]:
    jobs, google = MemoryJobs(), MemoryGoogle()
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

    deps = SyncDependencies(
        unit_of_work=lambda: MemoryUnitOfWork(jobs, google),
        apis=Apis(),
        clock=clock or ManualClock(NOW),
        queue=NoQueue(),
        forget_reads=forget,
        tell_owner=tell,
        retry_base_seconds=0,
    )
    return GoogleSync(deps), jobs, told, owner


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
