"""Calendars: mine, shared with me, and their members."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

from litestar import Controller, MediaType, Response, delete, get, patch, post
from litestar.params import Parameter
from litestar.serialization import encode_json
from litestar.status_codes import HTTP_204_NO_CONTENT

from application.scheduling.create_calendar import create_calendar
from application.scheduling.delete_calendar import delete_calendar
from application.scheduling.dto import CreateCalendar, DeleteCalendar, ShareCalendar, UnshareCalendar, UpdateCalendar
from application.scheduling.get_calendar import get_calendar
from application.scheduling.list_calendars import list_calendars
from application.scheduling.share_calendar import share_calendar
from application.scheduling.unshare_calendar import unshare_calendar
from application.scheduling.update_calendar import update_calendar
from domain.accounts.api_token import TokenScope
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.calendars import Calendar, CalendarList
from entrypoints.http.schemas.examples import CalendarCreateBody, CalendarUpdateBody, MemberAddBody
from entrypoints.http.scopes import needs

CalendarId = Annotated[UUID, Parameter(description="Calendar id")]
UserId = Annotated[UUID, Parameter(description="User id")]


class CalendarController(Controller):
    path = "/api/calendars"
    tags = ["Calendars"]

    @get(
        "/",
        operation_id="listCalendars",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401),
        summary="Calendars I am a member of",
    )
    async def list_calendars(self, ctx: Ctx) -> Response[CalendarList]:
        """Every calendar I am a member of (my personal one, mine, those shared with me), with members and roles."""

        async def answer() -> bytes:
            calendars = await list_calendars(actor_id=ctx.actor.id, uow=ctx.uow)
            return encode_json(CalendarList(items=[Calendar.of(c) for c in calendars]))

        body = await ctx.reads.user_calendars(ctx.actor.id, answer)
        return Response(cast("CalendarList", body), media_type=MediaType.JSON)

    @post(
        "/",
        operation_id="createCalendar",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 422),
        summary="Create a calendar I own",
    )
    async def create_calendar(self, data: CalendarCreateBody, ctx: Ctx) -> Calendar:
        """A new calendar, owned by me. Share it with POST /api/calendars/{id}/members."""
        command = CreateCalendar(actor_id=ctx.actor.id, name=data.name, color=data.color, description=data.description)
        return Calendar.of(await create_calendar(command, uow=ctx.uow, clock=ctx.clock))

    @get(
        "/{calendar_id:uuid}",
        operation_id="getCalendar",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404),
        summary="One calendar I am a member of",
    )
    async def get_calendar(self, calendar_id: CalendarId, ctx: Ctx) -> Calendar:
        """One calendar I am a member of, with its members and their roles. Someone else's calendar is 404."""
        return Calendar.of(await get_calendar(calendar_id, actor_id=ctx.actor.id, uow=ctx.uow))

    @patch(
        "/{calendar_id:uuid}",
        operation_id="updateCalendar",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404, 422),
        summary="Rename or recolor a calendar",
    )
    async def update_calendar(self, calendar_id: CalendarId, data: CalendarUpdateBody, ctx: Ctx) -> Calendar:
        """Change the calendar's name, colour or description: only the fields sent change. The owner only."""
        command = UpdateCalendar(actor_id=ctx.actor.id, calendar_id=calendar_id, changes=data.changes())
        return Calendar.of(await update_calendar(command, uow=ctx.uow, clock=ctx.clock))

    @delete(
        "/{calendar_id:uuid}",
        operation_id="deleteCalendar",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404, 409),
        summary="Delete a calendar and its events",
    )
    async def delete_calendar(self, calendar_id: CalendarId, ctx: Ctx) -> None:
        """Delete the calendar and its events. The owner only; a personal calendar cannot be deleted."""
        await delete_calendar(
            DeleteCalendar(actor_id=ctx.actor.id, calendar_id=calendar_id), uow=ctx.uow, clock=ctx.clock
        )

    @post(
        "/{calendar_id:uuid}/members",
        operation_id="shareCalendar",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404, 422),
        summary="Share a calendar with someone",
    )
    async def share(self, calendar_id: CalendarId, data: MemberAddBody, ctx: Ctx) -> Calendar:
        """Give a person (by email) a role in the calendar: viewer, editor or owner; sent again, it changes their
        role. The owner only."""
        command = ShareCalendar(
            actor_id=ctx.actor.id, calendar_id=calendar_id, email=data.email, role=data.calendar_role()
        )
        return Calendar.of(await share_calendar(command, uow=ctx.uow, clock=ctx.clock))

    @delete(
        "/{calendar_id:uuid}/members/{user_id:uuid}",
        operation_id="unshareCalendar",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404, 409),
        summary="Take a member off a calendar",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def unshare(self, calendar_id: CalendarId, user_id: UserId, ctx: Ctx) -> None:
        """Take a member off the calendar. Owners may take anyone off but the calendar's owner; a member may leave."""
        command = UnshareCalendar(actor_id=ctx.actor.id, calendar_id=calendar_id, user_id=user_id)
        await unshare_calendar(command, uow=ctx.uow, clock=ctx.clock)
