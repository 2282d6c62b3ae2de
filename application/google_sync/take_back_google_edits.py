"""Google's copies of planner's own events, met again while syncing: echoes ignored, edits taken back into planner.

A page of Google events may hold copies planner wrote (write-back). Those are never mirrored: the
echo of planner's own write (not newer than it) changes nothing, and an edit or delete made in
Google changes the planner event, when it is newer than planner's last change of it (last writer
wins; the losing version is logged). Each taken-back edit is a transaction of its own, so one that
planner refuses (a room taken meanwhile) leaves the others and the mirror alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import structlog

from application.unit_of_work import UnitOfWork
from domain.errors import DomainError
from domain.google_sync.model import MirroredCalendar, RemoteEvent
from domain.google_sync.write_back import WrittenEvent, google_wins
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.occurrence import local_dates
from domain.scheduling.recurrence import Recurrence
from domain.scheduling.time_range import TimeRange

log = structlog.get_logger(__name__)


async def take_back_google_edits(
    mirror: MirroredCalendar, events: Sequence[RemoteEvent], *, uow: UnitOfWork, now: datetime
) -> tuple[list[RemoteEvent], int]:
    """Take in Google's edits of planner's own events; answers the page's other events (to mirror) and how many."""
    ids = {e.id for e in events} | {e.series_id for e in events if e.series_id is not None}
    async with uow:
        written = await uow.google.written_events(mirror.user_id, mirror.google_calendar_id, ids)
        planners = await _planners_own(uow, mirror.user_id, [e.planner_event_id for e in events if e.id not in written])
    rest: list[RemoteEvent] = []
    taken = 0
    for remote in events:
        copy_of = written.get(remote.id) or (written.get(remote.series_id) if remote.series_id else None)
        if copy_of is None:
            if remote.planner_event_id not in planners:
                rest.append(remote)
            continue  # planner's own write, answered by Google and being recorded: never a mirror
        if copy_of.is_echo(remote):
            continue
        taken += await _take_in(remote, copy_of, uow=uow, now=now)
    return rest, taken


async def _planners_own(uow: UnitOfWork, user_id: UUID, event_ids: Sequence[UUID | None]) -> set[UUID | None]:
    own: set[UUID | None] = set()
    for event_id in {i for i in event_ids if i is not None}:
        event = await uow.events.get(event_id)
        if event is not None and event.organizer_id == user_id:
            own.add(event_id)
    return own


async def _take_in(remote: RemoteEvent, copy_of: WrittenEvent, *, uow: UnitOfWork, now: datetime) -> int:
    try:
        async with uow:
            event = await uow.events.get_for_update(copy_of.event_id)
            if event is None or event.is_cancelled:
                return 0
            if not google_wins(remote, event):
                log.info(
                    "google.edit_lost",
                    event_id=str(event.id),
                    google_updated=str(remote.updated),
                    planner_updated=str(event.updated_at),
                    google_version=_shown(remote),
                )
                return 0
            losing = _planner_version(event)
            _apply(event, remote, now=now)
            await uow.events.save(event)
            copy_of.took_in(remote, version=event.version, now=now)
            await uow.google.save_written_event(copy_of)
            await uow.commit()
    except DomainError as refused:
        log.warning("google.edit_refused", event_id=str(copy_of.event_id), reason=str(refused), google=_shown(remote))
        return 0
    log.info("google.edit_taken_in", event_id=str(copy_of.event_id), google=_shown(remote), planner_before=losing)
    return 1


def _apply(event: Event, remote: RemoteEvent, *, now: datetime) -> None:
    """Change the planner event as Google's copy was changed, by its organizer (who edited it in Google)."""
    by = event.organizer_id
    if remote.is_occurrence:
        assert remote.recurrence_id is not None
        if remote.cancelled:
            event.cancel_occurrence(remote.recurrence_id, by_user_id=by, now=now)
        elif remote.starts_at is not None and remote.ends_at is not None:
            changes = EventChanges(
                title=remote.title or event.title,
                description=remote.description,
                location=remote.location,
                starts_at=remote.starts_at,
                ends_at=remote.ends_at,
            )
            event.update_occurrence(remote.recurrence_id, changes, by_user_id=by, now=now)
        return
    if remote.cancelled:
        event.cancel(by_user_id=by, now=now)
        return
    if remote.starts_at is None or remote.ends_at is None:
        return
    fields: dict[str, Any] = {
        "title": remote.title or event.title,
        "description": remote.description,
        "location": remote.location,
    }
    if remote.all_day:
        first, end = local_dates(TimeRange(remote.starts_at, remote.ends_at), remote.timezone)
        fields |= {"start_date": first, "end_date": end, "timezone": remote.timezone}
    else:
        fields |= {"starts_at": remote.starts_at, "ends_at": remote.ends_at, "all_day": False}
    if not _same_recurrence(remote.recurrence, event.recurrence):
        fields["recurrence"] = remote.recurrence
    event.update(EventChanges(**fields), by_user_id=by, now=now)


def _same_recurrence(remote: Recurrence | None, planner: Recurrence | None) -> bool:
    """Whether Google's copy repeats as planner's does (the rule's parts in any order, the same dates)."""
    if remote is None or planner is None:
        return remote is planner
    return (remote.parts, set(remote.exdates), set(remote.rdates)) == (
        planner.parts,
        set(planner.exdates),
        set(planner.rdates),
    )


def _planner_version(event: Event) -> dict[str, str]:
    return {"title": event.title, "starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat()}


def _shown(remote: RemoteEvent) -> dict[str, str]:
    return {
        "title": remote.title,
        "starts_at": "" if remote.starts_at is None else remote.starts_at.isoformat(),
        "cancelled": str(remote.cancelled),
    }
