"""The rooms board: each room's bookings today."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Template

from application.scheduling.list_events import list_events
from application.scheduling.list_rooms import list_rooms
from application.scheduling.room_availability import room_availability
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.web.controllers.calendar import chosen_day
from entrypoints.web.rendering import ViewerDep, page
from entrypoints.web.week import day_bounds


class RoomPages(Controller):
    include_in_schema = False

    @get("/rooms", name="rooms")
    async def board(
        self,
        viewer: ViewerDep,
        uow: UoW,
        clock: ClockDep,
        day: Annotated[str | None, Parameter(query="date")] = None,
    ) -> Template:
        shown = chosen_day(day, clock, viewer)
        start, end = day_bounds(shown, viewer.zone)
        # Bookings of events I cannot see show as "booked", without their title.
        mine = {e.id: e for e in await list_events(actor_id=viewer.user.id, start=start, end=end, uow=uow)}
        board = [await room_availability(room.id, start=start, end=end, uow=uow) for room in await list_rooms(uow=uow)]
        return page(
            "rooms.html",
            viewer=viewer,
            board=board,
            mine=mine,
            day=shown,
            zone=viewer.zone,
            previous=(shown - timedelta(days=1)).isoformat(),
            next=(shown + timedelta(days=1)).isoformat(),
        )
