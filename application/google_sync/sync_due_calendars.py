"""Cron: queue the syncs that are due: polled calendars, the safety net for watched ones, calendar lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.google_sync.ports import SyncQueue
from application.unit_of_work import UnitOfWork
from domain.clock import Clock


@dataclass(frozen=True, kw_only=True)
class SyncDueCalendars:
    """Queue a sync of each calendar due one; and a read of each calendar list due one."""

    poll_every: timedelta
    """Calendars Google will not push (or without a live channel), and calendar lists, are read this often."""
    safety_sync_every: timedelta
    """Every calendar is synced at least this often: Google does not promise to deliver every push."""
    limit: int = 1_000


async def sync_due_calendars(
    command: SyncDueCalendars, *, uow: UnitOfWork, clock: Clock, queue: SyncQueue
) -> dict[str, int]:
    """Queue each due calendar's incremental sync (a queued one is not queued twice) and each due list read."""
    now = clock.now()
    async with uow:
        due = await uow.google.calendars_due(
            polled_before=now - command.poll_every,
            synced_before=now - command.safety_sync_every,
            watched_after=now,
            limit=command.limit,
        )
        lists = await uow.google.accounts_to_check(now - command.poll_every, command.limit)
    for calendar in due:
        await queue.sync_calendar(calendar.user_id, calendar.google_calendar_id)
    for user_id in lists:
        await queue.refresh_calendars(user_id)
    return {"calendars": len(due), "calendar_lists": len(lists)}
