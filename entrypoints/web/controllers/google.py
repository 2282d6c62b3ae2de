"""Google Calendar: whether my account is connected, when it last synced, and the button to connect it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Controller, get
from litestar.response import Template

from entrypoints.http.dependencies import UoW
from entrypoints.web.rendering import ViewerDep, page

CONNECT_URL = "/api/google/connect"


@dataclass(frozen=True)
class GoogleConnection:
    """What the page shows; `last_sync` None means never synced."""

    connected: bool
    last_sync: datetime | None = None


async def google_connection_status(viewer: ViewerDep, uow: UoW) -> GoogleConnection:
    """SEAM for Google sync (built separately): answer the viewer's real connection and last sync here.

    Until that use case exists, every account shows as not connected.
    """
    return GoogleConnection(connected=False)


class GooglePages(Controller):
    include_in_schema = False

    @get("/google", name="google")
    async def status(self, viewer: ViewerDep, uow: UoW) -> Template:
        return page(
            "google.html",
            viewer=viewer,
            google=await google_connection_status(viewer, uow),
            connect_url=CONNECT_URL,
        )
