"""My working hours, as a page: each weekday's spans in my zone, typed like "09:00-12:00, 13:00-17:00"."""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.availability.dto import SetWorkingHours
from application.availability.working_hours import get_working_hours, set_working_hours
from domain.availability.working_hours import WEEKDAYS, WorkingHours, clock_text
from domain.errors import InvalidInput
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.web.controllers.events import COMMON_ZONES
from entrypoints.web.rendering import Viewer, ViewerDep, page

DAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
_SPAN = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-\u2013]\s*(\d{1,2}:\d{2})\s*$")


def spans_text(hours: WorkingHours, day: str) -> str:
    """A day's spans as the page shows them: "09:00-12:00, 13:00-17:00"; "" for a day off."""
    return ", ".join(f"{clock_text(s.start)}-{clock_text(s.end)}" for s in hours.days.get(day, ()))


def parsed_days(typed: dict[str, str]) -> tuple[dict[str, list[list[str]]], dict[str, str]]:
    """The week in the API's shape, and an error per day that does not read as spans."""
    days: dict[str, list[list[str]]] = {}
    errors: dict[str, str] = {}
    for day in WEEKDAYS:
        spans = []
        for part in filter(None, (p.strip() for p in typed.get(day, "").split(","))):
            found = _SPAN.match(part)
            if found is None:
                errors[day] = (
                    f'Type {DAY_NAMES[day]}\'s hours as "09:00-17:00" (several with commas), or leave it empty.'
                )
                break
            spans.append([found.group(1).zfill(5), found.group(2).zfill(5)])
        days[day] = spans
    return days, errors


def _form(viewer: Viewer, timezone: str, typed: dict[str, str], errors: dict[str, str], **more: Any) -> Template:
    return page(
        "working_hours.html",
        viewer=viewer,
        timezone=timezone,
        typed=typed,
        errors=errors,
        day_names=DAY_NAMES,
        zones=sorted({*COMMON_ZONES, timezone, viewer.user.timezone}),
        status_code=422 if errors else 200,
        **more,
    )


class WorkingHoursPages(Controller):
    path = "/working-hours"
    include_in_schema = False

    @get("/", name="working_hours")
    async def show(
        self, viewer: ViewerDep, uow: UoW, saved: Annotated[bool, QueryParameter(name="saved")] = False
    ) -> Template:
        """My working week (Monday to Friday 09:00-17:00 until I change it), ready to edit."""
        hours = await get_working_hours(viewer.user.id, uow=uow)
        typed = {day: spans_text(hours, day) for day in WEEKDAYS}
        return _form(viewer, hours.timezone, typed, {}, saved=saved)

    @post("/")
    async def save(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep
    ) -> Response[Any]:
        posted = await request.form()
        typed = {day: str(posted.get(day, ""))[:200] for day in WEEKDAYS}
        timezone = str(posted.get("timezone", "")).strip()[:64]
        days, errors = parsed_days(typed)
        if not errors:
            try:
                command = SetWorkingHours(actor_id=viewer.user.id, timezone=timezone, days=days)
                await set_working_hours(command, uow=uow, clock=clock)
            except InvalidInput as invalid:
                field = invalid.field.removeprefix("days.")
                detail = invalid.detail.removeprefix(f"{invalid.field}: ")
                errors[field if field in WEEKDAYS or field == "timezone" else "form"] = (
                    detail[:1].upper() + detail[1:] + "."
                )
        if errors:
            return _form(viewer, timezone, typed, errors)
        return Redirect("/working-hours?saved=true", status_code=HTTP_303_SEE_OTHER)
