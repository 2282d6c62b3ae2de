"""Meeting rooms: administrators manage them, everyone books them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.params import Parameter, QueryParameter

from application.scheduling.create_room import create_room
from application.scheduling.delete_room import delete_room
from application.scheduling.dto import CreateRoom, DeleteRoom, UpdateRoom
from application.scheduling.find_free_rooms import find_free_rooms
from application.scheduling.get_room import get_room
from application.scheduling.list_rooms import list_rooms
from application.scheduling.room_availability import room_availability
from application.scheduling.update_room import update_room
from domain.accounts.api_token import TokenScope
from domain.scheduling.room import MAX_CAPACITY
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.examples import RoomCreateBody, RoomUpdateBody
from entrypoints.http.schemas.fields import AwareDateTime
from entrypoints.http.schemas.rooms import Availability, Room, RoomList
from entrypoints.http.scopes import needs

RoomId = Annotated[UUID, Parameter(description="Room id")]
Start = Annotated[AwareDateTime, QueryParameter(name="start", description="Window start, ISO 8601 with an offset")]
End = Annotated[AwareDateTime, QueryParameter(name="end", description="Window end, ISO 8601 with an offset")]


class RoomController(Controller):
    path = "/api/rooms"
    tags = ["Rooms"]

    @get(
        "/",
        operation_id="listRooms",
        **needs(TokenScope.ROOMS_READ),
        responses=problems(401),
        summary="Every meeting room",
    )
    async def list_rooms(self, ctx: Ctx) -> RoomList:
        """Every meeting room, with its seats and location."""
        return RoomList(items=[Room.of(r) for r in await list_rooms(uow=ctx.uow)])

    @post(
        "/",
        operation_id="createRoom",
        **needs(TokenScope.ROOMS_WRITE),
        responses=problems(401, 403, 422),
        summary="Add a room (administrators)",
    )
    async def create_room(self, data: RoomCreateBody, ctx: Ctx) -> Room:
        """Add a meeting room (administrators)."""
        command = CreateRoom(actor_id=ctx.actor.id, name=data.name, capacity=data.capacity, location=data.location)
        return Room.of(await create_room(command, uow=ctx.uow, clock=ctx.clock))

    @get(
        "/available",
        operation_id="listAvailableRooms",
        **needs(TokenScope.ROOMS_READ),
        responses=problems(401, 422),
        summary="Rooms free for a whole slot, big enough",
    )
    async def available(
        self,
        ctx: Ctx,
        start: Start,
        end: End,
        capacity: Annotated[int, QueryParameter(name="capacity", ge=1, le=MAX_CAPACITY)] = 1,
    ) -> RoomList:
        """Rooms free for the whole of [start, end), with at least `capacity` seats."""
        rooms = await find_free_rooms(start=start, end=end, capacity=capacity, uow=ctx.uow)
        return RoomList(items=[Room.of(r) for r in rooms])

    @get(
        "/{room_id:uuid}",
        operation_id="getRoom",
        **needs(TokenScope.ROOMS_READ),
        responses=problems(401, 404),
        summary="One room",
    )
    async def get_room(self, room_id: RoomId, ctx: Ctx) -> Room:
        """One meeting room."""
        return Room.of(await get_room(room_id, uow=ctx.uow))

    @patch(
        "/{room_id:uuid}",
        operation_id="updateRoom",
        **needs(TokenScope.ROOMS_WRITE),
        responses=problems(401, 403, 404, 422),
        summary="Change a room (administrators)",
    )
    async def update_room(self, room_id: RoomId, data: RoomUpdateBody, ctx: Ctx) -> Room:
        """Change a room's name, seats or location: only the fields sent change (administrators)."""
        command = UpdateRoom(actor_id=ctx.actor.id, room_id=room_id, changes=data.changes())
        return Room.of(await update_room(command, uow=ctx.uow))

    @delete(
        "/{room_id:uuid}",
        operation_id="deleteRoom",
        **needs(TokenScope.ROOMS_WRITE),
        responses=problems(401, 403, 404),
        summary="Remove a room (administrators)",
    )
    async def delete_room(self, room_id: RoomId, ctx: Ctx) -> None:
        """Remove a room (administrators); events that booked it keep their times without it."""
        await delete_room(DeleteRoom(actor_id=ctx.actor.id, room_id=room_id), uow=ctx.uow)
        # Its bookings lost their room id; who saw them is not worth a query for so rare a write.
        await ctx.reads.forget_everyone()

    @get(
        "/{room_id:uuid}/availability",
        operation_id="getRoomAvailability",
        **needs(TokenScope.ROOMS_READ),
        responses=problems(401, 404, 422),
        summary="A room's bookings and gaps",
    )
    async def availability(self, room_id: RoomId, ctx: Ctx, start: Start, end: End) -> Availability:
        """The room's bookings overlapping [start, end) and the free slots between them."""
        return Availability.of(await room_availability(room_id, start=start, end=end, uow=ctx.uow))
