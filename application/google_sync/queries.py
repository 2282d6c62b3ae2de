"""What a person's Google sync looks like: their grant, mirrored calendars and channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.google_sync.model import GoogleAccount, MirroredCalendar, WatchChannel


@dataclass(frozen=True)
class SyncStatus:
    """What `GET /webhook/status/{user_id}` shows."""

    account: GoogleAccount | None
    calendars: list[MirroredCalendar]
    channels: list[WatchChannel]


async def sync_status(user_id: UUID, *, uow: UnitOfWork) -> SyncStatus:
    """The person's grant, mirrored calendars and push channels."""
    async with uow:
        return SyncStatus(
            account=await uow.google.account(user_id),
            calendars=await uow.google.mirrored_calendars(user_id),
            channels=await uow.google.channels(user_id),
        )


def last_synced(status: SyncStatus) -> datetime | None:
    """When the most recently synced of the person's calendars was synced."""
    times = [c.last_synced_at for c in status.calendars if c.last_synced_at is not None]
    return max(times, default=None)
