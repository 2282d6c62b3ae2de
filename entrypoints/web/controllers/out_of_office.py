"""My out-of-office ranges, as a page: listed, marked (from and until on my wall clock), taken back."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.availability.dto import MarkOutOfOffice, RemoveOutOfOffice
from application.availability.out_of_office import list_out_of_office, mark_out_of_office, remove_out_of_office
from domain.availability.out_of_office import MAX_NOTE_LENGTH
from domain.errors import InvalidInput, NotFound
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.web.rendering import Viewer, ViewerDep, page

AbsenceId = Annotated[UUID, PathParameter()]
_FIELDS = {"starts_at": "starts", "ends_at": "ends", "note": "note"}
_NAMES = {"starts": "the start", "ends": "the end"}


def wall_clock_time(typed: str, zone: ZoneInfo) -> datetime | None:
    """A datetime-local field's "2031-01-06T09:00" on the person's wall clock; None when it does not read."""
    try:
        parsed = datetime.fromisoformat(typed)
    except ValueError:
        return None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


class OutOfOfficePages(Controller):
    path = "/out-of-office"
    include_in_schema = False

    @get("/", name="out_of_office")
    async def show(self, viewer: ViewerDep, uow: UoW) -> Template:
        """My ranges, by start, and a form to mark another."""
        return await _page(viewer, uow)

    @post("/")
    async def mark(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep
    ) -> Response[Any]:
        posted = await request.form()
        typed = {name: str(posted.get(name, "")).strip()[:40] for name in ("starts", "ends")}
        typed["note"] = str(posted.get("note", ""))[: MAX_NOTE_LENGTH * 2]
        errors: dict[str, str] = {}
        moments: dict[str, datetime] = {}
        for name in ("starts", "ends"):
            moment = wall_clock_time(typed[name], viewer.zone) if typed[name] else None
            if moment is None:
                errors[name] = f"Give {_NAMES[name]} as a date and a time."
            else:
                moments[name] = moment
        if not errors:
            command = MarkOutOfOffice(
                actor_id=viewer.user.id, starts_at=moments["starts"], ends_at=moments["ends"], note=typed["note"]
            )
            try:
                await mark_out_of_office(command, uow=uow, clock=clock)
            except InvalidInput as invalid:
                detail = invalid.detail.replace("ends_at", "the end").replace("starts_at", "the start")
                errors[_FIELDS.get(invalid.field, "form")] = detail[:1].upper() + detail[1:] + "."
        if errors:
            return await _page(viewer, uow, typed=typed, errors=errors)
        return Redirect("/out-of-office", status_code=HTTP_303_SEE_OTHER)

    @post("/{absence_id:uuid}/delete")
    async def remove(self, absence_id: AbsenceId, viewer: ViewerDep, uow: UoW) -> Response[Any]:
        # Taken back already (another tab), or not mine: the list shows what is left either way.
        with contextlib.suppress(NotFound):
            await remove_out_of_office(RemoveOutOfOffice(actor_id=viewer.user.id, absence_id=absence_id), uow=uow)
        return Redirect("/out-of-office", status_code=HTTP_303_SEE_OTHER)


async def _page(
    viewer: Viewer, uow: UoW, *, typed: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> Template:
    return page(
        "out_of_office.html",
        viewer=viewer,
        absences=await list_out_of_office(viewer.user.id, uow=uow),
        typed=typed or {"starts": "", "ends": "", "note": ""},
        errors=errors or {},
        max_note=MAX_NOTE_LENGTH,
        status_code=422 if errors else 200,
    )
