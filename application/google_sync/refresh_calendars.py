"""Pick up calendars added to or removed from a person's Google calendar list, without connecting again."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from application.google_sync.channels import connected_api
from application.google_sync.ports import ForgetReads, SyncLocks, SyncQueue, TellOwner
from application.google_sync.retrying import with_retries
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.google_sync.errors import GoogleError
from domain.google_sync.mirroring import mirror_calendar
from domain.google_sync.ports import CalendarApis
from domain.notifications.rules import google_calendar_removed

log = structlog.get_logger(__name__)

REMOVAL_WAIT_S = 60.0
"""How long removing a calendar waits for a sync of it that is running to finish."""


@dataclass(frozen=True, kw_only=True)
class RefreshCalendars:
    """Read the person's calendar list: mirror calendars added in Google, delete those removed."""

    user_id: UUID


async def refresh_calendars(
    command: RefreshCalendars,
    *,
    uow: UnitOfWork,
    apis: CalendarApis,
    clock: Clock,
    queue: SyncQueue,
    locks: SyncLocks,
    tell_owner: TellOwner,
    forget_reads: ForgetReads,
    retry_base_seconds: float = 0.5,
) -> dict[str, int]:
    """New calendars are mirrored, synced and watched; removed ones deleted with their events, and the owner told."""
    user_id = command.user_id
    api = await connected_api(user_id, uow=uow, apis=apis)
    try:
        listed = await with_retries(api.list_calendars, base_seconds=retry_base_seconds)
    except GoogleError:
        log.warning("google.calendar_list_failed", user_id=str(user_id), exc_info=True)
        return {"added": 0, "removed": 0}
    now = clock.now()
    added = []
    async with uow:
        mirrored = {c.google_calendar_id: c for c in await uow.google.mirrored_calendars(user_id)}
        owner = await uow.google.account_holder(user_id)
        for remote in listed:
            if remote.id not in mirrored and owner is not None:
                calendar, mirror = mirror_calendar(owner, remote, now=now)
                added.append(await uow.google.add_mirror(calendar, mirror))
        await uow.google.note_calendars_checked(user_id, now)
        await uow.commit()
    removed = [mirror for google_id, mirror in mirrored.items() if google_id not in {r.id for r in listed}]
    for mirror in removed:
        # Not while a sync of it runs (it would write into a calendar being deleted).
        async with locks.hold(mirror.calendar_id, wait_s=REMOVAL_WAIT_S), uow:
            await uow.google.delete_mirror(mirror)
            await uow.commit()
        log.info("google.calendar_removed", user_id=str(user_id), calendar=mirror.google_calendar_id)
        await tell_owner(google_calendar_removed(user_id, mirror.name, mirror.google_calendar_id))
    for mirror in added:
        await queue.sync_calendar(user_id, mirror.google_calendar_id)
    if added:
        await queue.watch_calendars(user_id)
    if added or removed:
        await forget_reads([user_id])
    return {"added": len(added), "removed": len(removed)}
