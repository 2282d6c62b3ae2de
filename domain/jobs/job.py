"""Background jobs people can follow: status, progress and the sources a job loads."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Self
from uuid import UUID

from domain.identity import new_id
from domain.json_value import JsonObject

GIVE_UP_AFTER = timedelta(hours=3)
"""A partial job's missing sources are retried until this long after its first failure."""


class JobKind(enum.StrEnum):
    GOOGLE_FULL_SYNC = "google_full_sync"
    GOOGLE_INCREMENTAL_SYNC = "google_incremental_sync"
    ICS_IMPORT = "ics_import"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    COMPLETE = "complete"
    PARTIAL = "partial"
    FAILED = "failed"


class SourceStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    MISSING = "missing"


@dataclass(frozen=True, kw_only=True)
class JobSource:
    """One thing a job loads (a Google calendar); `error` says why it is missing."""

    key: str
    label: str
    status: SourceStatus = SourceStatus.PENDING
    error: str | None = None
    attempts: int = 0
    loaded: int = 0
    """How many items (events) came from it."""


@dataclass(kw_only=True, eq=False)
class Job:
    """A background job of one owner; only they (and admins) may see it."""

    id: UUID
    kind: JobKind
    owner_id: UUID
    status: JobStatus = JobStatus.QUEUED
    sources: list[JobSource] = field(default_factory=list)
    result: JsonObject = field(default_factory=dict)
    error: str | None = None
    attempts: int = 0
    first_failed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None

    @classmethod
    def create(cls, *, kind: JobKind, owner_id: UUID, now: datetime, sources: list[JobSource] | None = None) -> Self:
        """A queued job of `owner_id`."""
        return cls(
            id=new_id(now), kind=kind, owner_id=owner_id, sources=list(sources or []), created_at=now, updated_at=now
        )

    @property
    def progress(self) -> int:
        """Sources done over sources known, 0-100; a finished job without sources is 100."""
        if not self.sources:
            return 100 if self.status is JobStatus.COMPLETE else 0
        done = sum(1 for source in self.sources if source.status is SourceStatus.DONE)
        return done * 100 // len(self.sources)

    @property
    def missing_sources(self) -> list[JobSource]:
        return [source for source in self.sources if source.status is SourceStatus.MISSING]

    @property
    def pending_sources(self) -> list[JobSource]:
        return [source for source in self.sources if source.status is not SourceStatus.DONE]

    def visible_to(self, user_id: UUID, *, is_admin: bool) -> bool:
        return is_admin or user_id == self.owner_id

    def start(self, now: datetime) -> None:
        """A worker begins (or retries) the job: missing sources become pending again."""
        self.status = JobStatus.ACTIVE
        self.attempts += 1
        self.error = None
        self.sources = [
            replace(source, status=SourceStatus.PENDING) if source.status is SourceStatus.MISSING else source
            for source in self.sources
        ]
        self.updated_at = now

    def plan_sources(self, sources: list[JobSource], now: datetime) -> None:
        """Name the sources once they are known; those loaded before keep their state."""
        known = {source.key: source for source in self.sources}
        self.sources = [known.get(source.key, source) for source in sources]
        self.updated_at = now

    def source_loaded(self, key: str, *, loaded: int, now: datetime) -> None:
        self._change_source(key, now, status=SourceStatus.DONE, error=None, loaded=loaded)

    def source_missing(self, key: str, *, error: str, now: datetime) -> None:
        self._change_source(key, now, status=SourceStatus.MISSING, error=error)

    def finish(self, now: datetime, *, result: JsonObject | None = None) -> None:
        """Complete when every source loaded, partial when some are missing."""
        if result is not None:
            self.result = result
        self.updated_at = now
        if self.missing_sources or any(source.status is SourceStatus.PENDING for source in self.sources):
            self.status = JobStatus.PARTIAL
            self.first_failed_at = self.first_failed_at or now
            self.finished_at = None
        else:
            self.status = JobStatus.COMPLETE
            self.finished_at = now

    def fail(self, error: str, now: datetime) -> None:
        """The job cannot go on at all (e.g. the Google grant was revoked)."""
        self.status = JobStatus.FAILED
        self.error = error
        self.first_failed_at = self.first_failed_at or now
        self.updated_at = self.finished_at = now

    def gives_up_at(self) -> datetime | None:
        return None if self.first_failed_at is None else self.first_failed_at + GIVE_UP_AFTER

    def should_give_up(self, now: datetime) -> bool:
        """A partial job past its retry window."""
        gives_up_at = self.gives_up_at()
        return self.status is JobStatus.PARTIAL and gives_up_at is not None and now >= gives_up_at

    def give_up(self, now: datetime) -> None:
        missing = ", ".join(source.label for source in self.missing_sources) or "some sources"
        self.fail(f"gave up after {GIVE_UP_AFTER} of retries; still missing: {missing}", now)

    def _change_source(self, key: str, now: datetime, **changes: object) -> None:
        for index, source in enumerate(self.sources):
            if source.key == key:
                attempts = source.attempts + 1
                self.sources[index] = replace(source, attempts=attempts, **changes)  # type: ignore[arg-type]
                self.updated_at = now
                return
        raise KeyError(key)
