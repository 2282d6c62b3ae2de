"""The rooms board: each room's bookings today."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.scheduling.create_room import create_room
from application.scheduling.dto import CreateRoom
from application.scheduling.list_events import list_events_capped
from application.scheduling.list_rooms import list_rooms
from application.scheduling.room_availability import room_availability
from domain.clock import Clock
from domain.errors import InvalidInput
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.web.controllers.calendar import chosen_day
from entrypoints.web.rendering import Viewer, ViewerDep, page
from entrypoints.web.week import day_bounds


class RoomPages(Controller):
    include_in_schema = False

    @get("/rooms", name="rooms")
    async def board(
        self,
        viewer: ViewerDep,
        uow: UoW,
        clock: ClockDep,
        day: Annotated[str | None, QueryParameter(name="date")] = None,
    ) -> Template:
        return await _board(viewer, uow, clock, chosen_day(day, clock, viewer))

    @post("/rooms")
    async def add(self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep) -> Response[Any]:
        """An administrator adds a room (the same use case as POST /api/rooms)."""
        form = await request.form()
        values = {name: str(form.get(name, "")).strip() for name in ("name", "capacity", "location")}
        try:
            capacity = int(values["capacity"])
        except ValueError:
            capacity = 0  # refused by the use case, next to the field
        try:
            await create_room(
                CreateRoom(
                    actor_id=viewer.user.id, name=values["name"], capacity=capacity, location=values["location"]
                ),
                uow=uow,
                clock=clock,
            )
        except InvalidInput as error:
            today = clock.now().astimezone(viewer.zone).date()
            message = error.detail[:1].upper() + error.detail[1:] + "."
            return await _board(viewer, uow, clock, today, values=values, errors={error.field: message}, status=422)
        return Redirect("/rooms", status_code=HTTP_303_SEE_OTHER)


async def _board(
    viewer: Viewer,
    uow: UoW,
    clock: Clock,
    shown: date,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    start, end = day_bounds(shown, viewer.zone)
    # Bookings of events I cannot see show as "booked", without their title.
    mine = {e.id: e for e in (await list_events_capped(actor_id=viewer.user.id, start=start, end=end, uow=uow)).events}
    board = [await room_availability(room.id, start=start, end=end, uow=uow) for room in await list_rooms(uow=uow)]
    return page(
        "rooms.html",
        viewer=viewer,
        status_code=status,
        values=values or {"name": "", "capacity": "", "location": ""},
        errors=errors or {},
        board=board,
        mine=mine,
        day=shown,
        zone=viewer.zone,
        previous=(shown - timedelta(days=1)).isoformat(),
        next=(shown + timedelta(days=1)).isoformat(),
    )
