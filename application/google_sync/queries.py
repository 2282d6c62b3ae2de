"""What a person's Google sync looks like: their grant, mirrored calendars and channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.google_sync.model import GoogleAccount, MirroredCalendar, WatchChannel
from domain.google_sync.write_back import WriteState


@dataclass(frozen=True)
class SyncStatus:
    """What `GET /webhook/status/{user_id}` shows."""

    account: GoogleAccount | None
    calendars: list[MirroredCalendar]
    channels: list[WatchChannel]
    writes_not_done: dict[WriteState, int] = field(default_factory=dict)
    """Write-back: how many of the person's writes to Google wait (pending) or were refused."""


async def sync_status(user_id: UUID, *, uow: UnitOfWork) -> SyncStatus:
    """The person's grant, mirrored calendars, push channels and writes to Google not done yet."""
    async with uow:
        return SyncStatus(
            account=await uow.google.account(user_id),
            calendars=await uow.google.mirrored_calendars(user_id),
            channels=await uow.google.channels(user_id),
            writes_not_done=await uow.google.writes_not_done(user_id),
        )


NO_LIVE_CHANNEL = "no live push channel (a watch failed or has not been opened yet)"


@dataclass(frozen=True)
class CalendarHealth:
    """How one mirrored calendar is kept current, as the Google page and the status endpoint show it."""

    calendar: MirroredCalendar
    watched: bool
    """True: Google pushes its changes; False: it is polled (every GOOGLE_POLL_MINUTES)."""
    polled_because: str | None
    channel_expires_at: datetime | None
    """When its latest live channel expires (renewed a day before)."""


def calendar_health(status: SyncStatus, now: datetime) -> list[CalendarHealth]:
    """Each mirrored calendar: watched or polled and why, and its channel's expiry."""
    health = []
    for calendar in status.calendars:
        live = [
            c.expires_at
            for c in status.channels
            if c.google_calendar_id == calendar.google_calendar_id and c.expires_at > now
        ]
        expires_at = max(live, default=None)
        if calendar.watch_refused is not None:
            why: str | None = calendar.watch_refused
        else:
            why = None if expires_at is not None else NO_LIVE_CHANNEL
        health.append(
            CalendarHealth(calendar=calendar, watched=why is None, polled_because=why, channel_expires_at=expires_at)
        )
    return health


def last_synced(status: SyncStatus) -> datetime | None:
    """When the most recently synced of the person's calendars was synced."""
    times = [c.last_synced_at for c in status.calendars if c.last_synced_at is not None]
    return max(times, default=None)
