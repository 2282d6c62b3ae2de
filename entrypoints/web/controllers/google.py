"""Google Calendar: whether my account is connected, when it last synced, and the button to connect it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from litestar import Controller, get
from litestar.response import Template

from application.google_sync.queries import CalendarHealth, calendar_health, last_synced, sync_status
from application.unit_of_work import UnitOfWork
from domain.google_sync.model import ConnectionStatus
from domain.google_sync.write_back import WriteState
from entrypoints.http.controllers.google_dependencies import Google, google_dependency
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.web.rendering import ViewerDep, page

CONNECT_URL = "/api/google/connect"


@dataclass(frozen=True)
class GoogleConnection:
    """What the page shows; `last_sync` None means never synced."""

    configured: bool
    connected: bool
    broken_reason: str | None = None
    last_sync: datetime | None = None
    calendars: list[CalendarHealth] = field(default_factory=list)
    """Each mirrored calendar: watched or polled and why, channel expiry, last sync and its outcome."""
    pending_writes: int = 0
    """Write-back: my events waiting to be written to Google (Google unreachable, or not written yet)."""
    refused_writes: int = 0
    """Write-back: my events whose last write Google refused."""


async def google_connection_status(
    viewer: ViewerDep, google: Google, uow: UnitOfWork, now: datetime
) -> GoogleConnection:
    """The viewer's connection to Google as the sync keeps it: connected, broken (and why), last sync."""
    if not google.configured:
        return GoogleConnection(configured=False, connected=False)
    status = await sync_status(viewer.user.id, uow=uow)
    if status.account is None:
        return GoogleConnection(configured=True, connected=False)
    if status.account.status is ConnectionStatus.BROKEN:
        reason = status.account.broken_reason or "Google refused the grant"
        return GoogleConnection(configured=True, connected=False, broken_reason=reason)
    return GoogleConnection(
        configured=True,
        connected=True,
        last_sync=last_synced(status),
        calendars=calendar_health(status, now),
        pending_writes=status.writes_not_done.get(WriteState.PENDING, 0),
        refused_writes=status.writes_not_done.get(WriteState.REFUSED, 0),
    )


class GooglePages(Controller):
    include_in_schema = False
    dependencies = google_dependency

    @get("/google", name="google")
    async def status(self, viewer: ViewerDep, google: Google, uow: UoW, clock: ClockDep) -> Template:
        return page(
            "google.html",
            viewer=viewer,
            google=await google_connection_status(viewer, google, uow, clock.now()),
            connect_url=CONNECT_URL,
        )
