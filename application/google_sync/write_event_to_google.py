"""Write one planner event to its organizer's Google calendar (insert, patch, or delete), off the request path.

Called by a SAQ task the outbox queues for each change of an event whose organizer writes theirs back.
It writes the event as it stands when it runs, so several quick changes make one write; a change made
while it writes makes it go round again. Google being unreachable is raised (SAQ retries with
backoff, and a cron picks up what is still pending); a write Google refuses is recorded, the
organizer told (once per version), and raised as WriteRefused, so the task shows it and is retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import structlog

from application.google_sync.ports import TellOwner
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import NotFound
from domain.google_sync.errors import GoogleError, GoogleUnavailable, GrantRevoked
from domain.google_sync.write_back import CalendarWriter, CalendarWriters, WrittenEvent
from domain.notifications.rules import google_write_refused
from domain.scheduling.event import Event

log = structlog.get_logger(__name__)

MAX_ROUNDS = 5
"""How often one task writes again for changes made while it was writing."""


class WriteRefused(GoogleError):
    """Google refused a write (recorded on the event's write row, and its organizer told)."""


class WriteQueue(Protocol):
    """Hands writes to Google to the background workers; one queued write per event at most."""

    async def write_event(self, organizer_id: UUID, event_id: UUID) -> str:
        """Queue bringing the event's Google copy up to date; answers the task's id."""
        ...


@dataclass(frozen=True, kw_only=True)
class WriteEventToGoogle:
    """Bring the Google copy of a planner event up to date with it."""

    event_id: UUID


async def write_event_to_google(
    command: WriteEventToGoogle, *, uow: UnitOfWork, writers: CalendarWriters, clock: Clock, tell_owner: TellOwner
) -> str:
    """Write the event until Google's copy matches it; answers what the last round did."""
    outcome = "unchanged"
    for _ in range(MAX_ROUNDS):
        outcome, changed_meanwhile = await _write_once(
            command.event_id, uow=uow, writers=writers, clock=clock, tell_owner=tell_owner
        )
        if not changed_meanwhile:
            break
    return outcome


async def _write_once(
    event_id: UUID, *, uow: UnitOfWork, writers: CalendarWriters, clock: Clock, tell_owner: TellOwner
) -> tuple[str, bool]:
    """One write of the event as it stands; answers what it did and whether the event changed while it wrote."""
    async with uow:
        event = await uow.events.get(event_id)
        if event is None:
            return "gone", False
        account = await uow.google.account(event.organizer_id)
        written = await uow.google.written_event(event_id)
        calendar = await uow.calendars.get(event.calendar_id)
        if account is None or not account.usable or calendar is None or calendar.read_only:
            return "not written", False
        first_try = written is None
        if written is None:
            if account.write_back_calendar_id is None or event.is_cancelled:
                return "not written", False
            written = WrittenEvent.planned(event, google_calendar_id=account.write_back_calendar_id, now=clock.now())
            # Recorded before Google is asked (in the transaction that read the event: two round trips fewer than
            # a transaction of its own): a retry then knows an insert may have been answered but not recorded.
            await uow.google.save_written_event(written)
            await uow.commit()
    if not written.needs_write(event):
        return "unchanged", False
    writer = writers.writer_for(account.tokens, send_attendees=account.send_attendees)
    try:
        outcome = await _write(writer, written, event, first_try=first_try)
    except GoogleUnavailable as error:
        await _keep(uow, written, failed=str(error), refused=False, clock=clock)
        raise
    except GoogleError as error:
        revoked = isinstance(error, GrantRevoked)
        await _keep(uow, written, failed=str(error), refused=True, clock=clock)
        log.warning("google.write_refused", event_id=str(event.id), error=str(error), revoked=revoked)
        await tell_owner(google_write_refused(event, str(error)))
        # Raised, so the task shows failed with Google's answer and SAQ tries again with backoff.
        raise WriteRefused(f"Google refused the write of event {event.id}: {error}") from error
    if outcome == "deleted":
        written.deleted(version=event.version, now=clock.now())
    else:
        assert written.google_event_id is not None
    # The same transaction tells whether the event changed while Google was written: then another round.
    changed_meanwhile = await _keep(uow, written, clock=clock, version_written=event.version)
    log.info("google.event_written", event_id=str(event.id), outcome=outcome, version=event.version)
    return outcome, changed_meanwhile


async def _write(writer: CalendarWriter, written: WrittenEvent, event: Event, *, first_try: bool) -> str:
    """Make Google's copy match the event; notes the write on `written` (its caller stores it)."""
    calendar_id = written.google_calendar_id
    if event.is_cancelled:
        if written.google_event_id is not None:
            await writer.delete_event(calendar_id, written.google_event_id)
        return "deleted"
    if written.google_event_id is None:
        # A write answered by Google but never recorded (the task died) left a copy: change it, never add another.
        found = None if first_try else await writer.find_copy(calendar_id, event.id)
        copy = (
            await writer.insert_event(calendar_id, event)
            if found is None
            else await writer.patch_event(calendar_id, found.google_event_id, event)
        )
    else:
        copy = await writer.patch_event(calendar_id, written.google_event_id, event)
    for override in event.overrides.values():
        if not override.changes_anything_shown:
            continue
        try:
            occurrence = event.occurrence(override.recurrence_id)
        except NotFound:
            continue  # an override of an occurrence the series no longer has
        await writer.patch_occurrence(calendar_id, copy.google_event_id, occurrence)
    written.written(copy, version=event.version, now=written.updated_at)
    return "written"


async def _keep(
    uow: UnitOfWork,
    written: WrittenEvent,
    *,
    clock: Clock,
    failed: str | None = None,
    refused: bool = False,
    version_written: int | None = None,
) -> bool:
    """Store the write's record; with `version_written`, answer whether the event has moved past that version."""
    if failed is not None:
        written.failed(failed, refused=refused, now=clock.now())
    else:
        written.updated_at = clock.now()
    async with uow:
        await uow.google.save_written_event(written)
        current = None if version_written is None else await uow.events.version(written.event_id)
        await uow.commit()
    return current is not None and current != version_written
