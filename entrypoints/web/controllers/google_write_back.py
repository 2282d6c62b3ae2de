"""The Google page's write-back control: whether my own events are written to one of my Google calendars."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_422_UNPROCESSABLE_ENTITY

from application.google_sync.choose_write_back import ChooseWriteBack, choose_write_back, write_back_choice
from domain.errors import DomainError
from entrypoints.http.controllers.google_dependencies import Google, google_dependency
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.web.errors import is_htmx
from entrypoints.web.rendering import ViewerDep, page


class GoogleWriteBackPages(Controller):
    path = "/google/write-back"
    include_in_schema = False
    dependencies = google_dependency

    @get("/", name="google_write_back")
    async def show(self, viewer: ViewerDep, uow: UoW) -> Template:
        choice = await write_back_choice(viewer.user.id, uow=uow)
        return page("partials/google_write_back.html", viewer=viewer, choice=choice)

    @post("/")
    async def change(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep, google: Google
    ) -> Response[Any]:
        form = await request.form()
        wanted = str(form.get("google_calendar_id") or "").strip() or None
        send_attendees = form.get("send_attendees") == "on"
        try:
            choice = await choose_write_back(
                ChooseWriteBack(actor_id=viewer.user.id, google_calendar_id=wanted, send_attendees=send_attendees),
                uow=uow,
                clock=clock,
                queue=google.writes,
            )
        except DomainError as refused:
            current = await write_back_choice(viewer.user.id, uow=uow)
            return page(
                "partials/google_write_back.html",
                viewer=viewer,
                choice=current,
                error=str(refused),
                status_code=HTTP_422_UNPROCESSABLE_ENTITY,
            )
        if is_htmx(request):
            return page("partials/google_write_back.html", viewer=viewer, choice=choice, saved=True)
        return Redirect("/google", status_code=HTTP_303_SEE_OTHER)
