"""Run a Google sync job: a full sync, an incremental one, or the missing sources of a partial one.

Google is called outside any transaction; each step that changes planner's data is its own short
unit of work, and every write is keyed by Google's ids, so a step run twice changes nothing more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

import structlog

from application.google_sync.one_at_a_time import in_turn
from application.google_sync.ports import ForgetReads, PushFlags, SyncLocks, TellOwner
from application.google_sync.retrying import with_retries
from application.google_sync.take_back_google_edits import take_back_google_edits
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.errors import GoogleError, GoogleUnavailable, GrantRevoked, SyncTokenExpired
from domain.google_sync.mirroring import mirror_calendar, mirror_page
from domain.google_sync.model import MirroredCalendar, RemoteCalendar, RemoteEvent, SyncOutcome
from domain.google_sync.ports import CalendarApi, CalendarApis
from domain.jobs.job import Job, JobKind, JobSource, JobStatus, SourceStatus
from domain.json_value import JsonObject
from domain.notifications.rules import google_grant_revoked
from domain.scheduling.event import Event

log = structlog.get_logger(__name__)

T = TypeVar("T")

CALENDAR_LIST = JobSource(key="calendarList", label="Google calendar list")
MAX_PAGES = 10_000


@dataclass(frozen=True, kw_only=True)
class RunSyncJob:
    """Run a sync job, or the missing sources of a partial one."""

    job_id: UUID


async def run_sync_job(
    command: RunSyncJob,
    *,
    uow: UnitOfWork,
    apis: CalendarApis,
    clock: Clock,
    forget_reads: ForgetReads,
    tell_owner: TellOwner,
    locks: SyncLocks,
    pushed: PushFlags,
    retry_base_seconds: float = 0.5,
) -> Job | None:
    """Run a job, or the missing sources of a partial one; answers it as it ended (None if there is no such job).

    Each calendar is synced in its turn (`in_turn`): never at the same time as another sync of it.
    """
    ports = _Ports(
        uow=uow,
        apis=apis,
        clock=clock,
        forget_reads=forget_reads,
        tell_owner=tell_owner,
        locks=locks,
        pushed=pushed,
        retry_base_seconds=retry_base_seconds,
    )
    return await _JobRun(ports).run(command.job_id)


@dataclass(frozen=True)
class _Ports:
    uow: UnitOfWork
    apis: CalendarApis
    clock: Clock
    forget_reads: ForgetReads
    tell_owner: TellOwner
    locks: SyncLocks
    pushed: PushFlags
    retry_base_seconds: float


class _JobRun:
    """Running one job: its steps share the ports, and each step is a transaction of its own."""

    def __init__(self, deps: _Ports) -> None:
        self._deps = deps

    async def run(self, job_id: UUID) -> Job | None:
        """Run a job, or the missing sources of a partial one; answers it as it ended."""
        deps = self._deps
        async with deps.uow as uow:
            job = await uow.jobs.get(job_id, for_update=True)
            if job is None or job.status in (JobStatus.COMPLETE, JobStatus.FAILED):
                return job
            account = await uow.google.account(job.owner_id)
            if account is None or not account.usable:
                job.fail("Google Calendar is not connected", deps.clock.now())
                await uow.jobs.save(job)
                await uow.commit()
                return job
            job.start(deps.clock.now())
            await uow.jobs.save(job)
            await uow.commit()
        api = deps.apis.for_tokens(account.tokens)
        try:
            if job.kind is JobKind.GOOGLE_FULL_SYNC:
                await self._full_sync(job, api)
            else:
                for source in job.pending_sources:
                    await self._load_source(job, api, source.key, remote=None)
            job.finish(deps.clock.now(), result=_summary(job))
        except GrantRevoked:
            await self._grant_revoked(job)
            return job
        except Exception as error:
            # Whatever broke, the sources not loaded are missing: the retry cron takes them up again.
            log.exception("google.job_crashed", job_id=str(job.id))
            if not job.sources:
                job.plan_sources([CALENDAR_LIST], deps.clock.now())
            for source in job.pending_sources:
                if source.status is SourceStatus.PENDING:
                    job.source_missing(source.key, error=f"unexpected {type(error).__name__}", now=deps.clock.now())
            job.finish(deps.clock.now(), result=_summary(job))
        finally:
            await self._keep_tokens(job.owner_id, api)
            await deps.forget_reads([job.owner_id])
        await self._save(job)
        log.info("google.job_finished", job_id=str(job.id), kind=job.kind.value, status=job.status.value)
        return job

    async def _full_sync(self, job: Job, api: CalendarApi) -> None:
        deps = self._deps
        try:
            calendars = await self._call(job, api.list_calendars)
        except GoogleUnavailable as error:
            job.plan_sources([CALENDAR_LIST], deps.clock.now())
            job.source_missing(CALENDAR_LIST.key, error=str(error), now=deps.clock.now())
            return
        job.plan_sources([JobSource(key=c.id, label=c.name) for c in calendars], deps.clock.now())
        await self._save(job)
        async with deps.uow as uow:
            await uow.google.note_calendars_checked(job.owner_id, deps.clock.now())
            await uow.commit()
        by_id = {calendar.id: calendar for calendar in calendars}
        for source in job.pending_sources:
            await self._load_source(job, api, source.key, remote=by_id[source.key], full=True)

    async def _load_source(
        self, job: Job, api: CalendarApi, google_calendar_id: str, *, remote: RemoteCalendar | None, full: bool = False
    ) -> None:
        deps = self._deps
        attempted_at = deps.clock.now()
        try:
            loaded = await self._sync_one(job, api, google_calendar_id, remote=remote, full=full)
        except GrantRevoked:
            raise
        except GoogleError as error:
            log.warning("google.source_missing", job_id=str(job.id), calendar=google_calendar_id, error=str(error))
            job.source_missing(google_calendar_id, error=str(error), now=deps.clock.now())
            await self._note(job.owner_id, google_calendar_id, attempted_at, SyncOutcome.FAILED, str(error))
        else:
            job.source_loaded(google_calendar_id, loaded=loaded or 0, now=deps.clock.now())
            outcome = SyncOutcome.DEFERRED if loaded is None else SyncOutcome.SYNCED
            await self._note(job.owner_id, google_calendar_id, attempted_at, outcome, None)
        job.result.pop("waiting", None)
        await self._save(job)

    async def _sync_one(
        self, job: Job, api: CalendarApi, google_calendar_id: str, *, remote: RemoteCalendar | None, full: bool
    ) -> int | None:
        """Sync one calendar in its turn; the events changed, or None when a sync already under way does it."""
        deps = self._deps
        user_id = job.owner_id
        async with deps.uow as uow:
            await _still_connected(uow, user_id)
            if remote is not None:
                mirror = await _mirror_of(uow, user_id, remote, deps.clock.now())
            else:
                found = await uow.google.mirrored_calendar(user_id, google_calendar_id)
                if found is None:
                    raise GoogleError(f"calendar {google_calendar_id} is not mirrored")
                mirror = found
            await uow.commit()

        async def one_round(first: bool) -> int:
            # Read again in its turn: the sync token as the last sync left it, never an older one.
            async with deps.uow as uow:
                current = await uow.google.mirrored_calendar(user_id, google_calendar_id)
            if current is None:
                raise GoogleError(f"calendar {google_calendar_id} is no longer mirrored")
            return await self._sync_round(job, current, api, full=full and first)

        return await in_turn(mirror, one_round, locks=deps.locks, pushed=deps.pushed)

    async def _sync_round(self, job: Job, mirror: MirroredCalendar, api: CalendarApi, *, full: bool) -> int:
        if full or mirror.sync_token is None:
            return await self._list_into(job, mirror, api, sync_token=None)
        try:
            return await self._list_into(job, mirror, api, sync_token=mirror.sync_token)
        except SyncTokenExpired:
            # The mirror stays as it is while the full listing runs: each listed event refreshes its mirror
            # (keeping its planner id, and so people's links and answers), and what Google no longer lists
            # goes with the last page. Until then the expired token stays, so a failed refill starts over.
            log.info("google.sync_token_expired", calendar=mirror.google_calendar_id)
            return await self._list_into(job, mirror, api, sync_token=None)

    async def _list_into(self, job: Job, mirror: MirroredCalendar, api: CalendarApi, *, sync_token: str | None) -> int:
        """List the calendar's events into its mirror; a full listing (no token) then removes what it did not list."""
        deps = self._deps
        page_token: str | None = None
        changed = 0
        listed: set[str] = set()
        orphans: dict[str, RemoteEvent] = {}
        for _ in range(MAX_PAGES):
            page = await self._call(
                job,
                lambda token=page_token: api.list_events(  # type: ignore[misc]
                    mirror.google_calendar_id, sync_token=sync_token, page_token=token
                ),
            )
            last = page.next_page_token is None
            # Copies of planner's own events (write-back) are never mirrored: their echo is dropped, an edit taken in.
            events, taken = await take_back_google_edits(mirror, page.events, uow=deps.uow, now=deps.clock.now())
            async with deps.uow as uow:
                # Disconnecting stops a running sync here: nothing is mirrored again for someone who left.
                await _still_connected(uow, mirror.user_id)
                if last:
                    # Exceptions held back from earlier pages go first: this page's word on one is newer.
                    events = [*(e for e in orphans.values() if e.id not in {p.id for p in events}), *events]
                known = await uow.google.mirrored_events(mirror, _ids_to_look_up(events))
                if not last:
                    events = _hold_back_orphans(events, known, orphans)
                mirrored = mirror_page(mirror, known, events, now=deps.clock.now())
                await uow.google.apply_events(mirror, mirrored)
                changed += mirrored.applied + taken
                listed.update(event.id for event in page.events if not event.cancelled)
                if last:
                    if sync_token is None:
                        changed += await uow.google.remove_unlisted_events(mirror, listed)
                    mirror.sync_token = page.next_sync_token
                    mirror.last_synced_at = deps.clock.now()
                    await uow.google.save_mirrored_calendar(mirror)
                await uow.commit()
            if page.next_page_token is None:
                return changed
            page_token = page.next_page_token
        raise GoogleError("too many pages")

    async def _call(self, job: Job, call: Callable[[], Awaitable[T]]) -> T:
        async def waiting(delay: float, error: GoogleUnavailable) -> None:
            # The job shows what waits for a retry, and until when.
            until = self._deps.clock.now() + timedelta(seconds=delay)
            job.result["waiting"] = {"until": until.isoformat(), "reason": str(error)}
            await self._save(job)

        return await with_retries(call, base_seconds=self._deps.retry_base_seconds, waiting=waiting)

    async def _note(
        self, user_id: UUID, google_calendar_id: str, attempted_at: datetime, outcome: SyncOutcome, error: str | None
    ) -> None:
        async with self._deps.uow as uow:
            await uow.google.note_sync(
                user_id, google_calendar_id, attempted_at=attempted_at, outcome=outcome, error=error
            )
            await uow.commit()

    async def _save(self, job: Job) -> None:
        async with self._deps.uow as uow:
            await uow.jobs.save(job)
            await uow.commit()

    async def _keep_tokens(self, user_id: UUID, api: CalendarApi) -> None:
        # A refresh during the job gave a new access token: keep it, or every job would refresh again.
        async with self._deps.uow as uow:
            account = await uow.google.account(user_id)
            if account is not None and account.usable and account.tokens != api.tokens:
                account.refreshed(api.tokens, self._deps.clock.now())
                await uow.google.save_account(account)
                await uow.commit()

    async def _grant_revoked(self, job: Job) -> None:
        deps = self._deps
        now = deps.clock.now()
        async with deps.uow as uow:
            account = await uow.google.account(job.owner_id)
            if account is not None:
                account.break_off("Google refused the grant: it was revoked or has expired", now)
                await uow.google.save_account(account)
            job.fail("Google Calendar access was revoked; connect again", now)
            await uow.jobs.save(job)
            await uow.commit()
        log.warning("google.grant_revoked", user_id=str(job.owner_id), job_id=str(job.id))
        await deps.tell_owner(google_grant_revoked(job))


async def _still_connected(uow: UnitOfWork, user_id: UUID) -> None:
    account = await uow.google.account(user_id)
    if account is None or not account.usable:
        raise GoogleError("Google Calendar was disconnected")


async def _mirror_of(uow: UnitOfWork, user_id: UUID, remote: RemoteCalendar, now: datetime) -> MirroredCalendar:
    """The planner calendar mirroring `remote`, made read-only for its owner when new."""
    found = await uow.google.mirrored_calendar(user_id, remote.id)
    if found is not None:
        return found
    owner = await uow.google.account_holder(user_id)
    if owner is None:
        raise GoogleError(f"no planner user {user_id} to own the mirror of {remote.id}")
    calendar, mirror = mirror_calendar(owner, remote, now=now)
    return await uow.google.add_mirror(calendar, mirror)


def _ids_to_look_up(events: list[RemoteEvent]) -> set[str]:
    """The Google ids whose mirrors a page needs: its events', and the series' its exceptions belong to."""
    return {event.id for event in events} | {event.series_id for event in events if event.series_id is not None}


def _hold_back_orphans(
    events: list[RemoteEvent], known: dict[str, Event], orphans: dict[str, RemoteEvent]
) -> list[RemoteEvent]:
    """The page's events but its exceptions whose series is neither mirrored nor on the page, kept in `orphans`.

    Google pages by change, so an exception can come a page before its series: held back to the last
    page, it overrides the series that arrived meanwhile, or (an invitation to one occurrence) shows alone.
    """
    on_page = {event.id for event in events}
    kept = []
    for event in events:
        if event.is_occurrence and event.series_id not in known and event.series_id not in on_page:
            orphans[event.id] = event
        else:
            orphans.pop(event.id, None)
            kept.append(event)
    return kept


def _summary(job: Job) -> JsonObject:
    return {
        "sources": len(job.sources),
        "loaded": sum(1 for s in job.sources if s.status is SourceStatus.DONE),
        "missing": sum(1 for s in job.sources if s.status is SourceStatus.MISSING),
        "events_changed": sum(s.loaded for s in job.sources),
    }
