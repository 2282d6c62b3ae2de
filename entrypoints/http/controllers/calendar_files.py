"""ICS: a calendar's subscription feed, one event's download, and importing a file into a calendar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.exceptions import ClientException
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter
from litestar.status_codes import (
    HTTP_201_CREATED,
    HTTP_202_ACCEPTED,
    HTTP_204_NO_CONTENT,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
)

from application.scheduling.download_event import download_event
from application.scheduling.open_calendar_feed import open_calendar_feed
from application.scheduling.read_calendar_feed import read_calendar_feed
from application.scheduling.revoke_calendar_feed import revoke_calendar_feed
from application.scheduling.start_calendar_import import start_calendar_import
from domain.accounts.api_token import TokenScope
from domain.errors import NotFound
from domain.scheduling.calendar_file import MAX_CALENDAR_FILE_BYTES
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.calendar_files import CalendarFeed, ImportQueued
from entrypoints.http.scopes import needs

CalendarId = Annotated[UUID, Parameter(description="Calendar id")]
EventId = Annotated[UUID, Parameter(description="Event id")]
CALENDAR_MEDIA_TYPE = "text/calendar"
FEED_PATH = "/ics"
FEED_SUFFIX = ".ics"


@dataclass
class _ImportOperation(Operation):
    """The import's OpenAPI operation: its body is the file itself, which the handler reads unparsed."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={CALENDAR_MEDIA_TYPE: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
            description="An iCalendar file (RFC 5545), at most 10 MB",
            required=True,
        )


def _ics(body: bytes, filename: str | None = None) -> Response[bytes]:
    headers = {"Cache-Control": "no-cache"}
    if filename is not None:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, media_type=f"{CALENDAR_MEDIA_TYPE}; charset=utf-8", headers=headers)


class CalendarFileController(Controller):
    path = "/api"
    tags = ["ICS"]

    @post(
        "/calendars/{calendar_id:uuid}/feed",
        operation_id="openCalendarFeed",
        **needs(TokenScope.EVENTS_WRITE),
        status_code=HTTP_201_CREATED,
        responses=problems(401, 403, 404),
        summary="Publish the calendar at a secret subscription URL (a new URL each time; the old one stops)",
    )
    async def open_feed(self, calendar_id: CalendarId, ctx: Ctx) -> CalendarFeed:
        """Publish the calendar as a secret iCalendar subscription address (for Google, Outlook, Apple Calendar),
        answered as `url`. Asking again replaces the address; the old one stops working. The calendar's owner
        only."""
        token = await open_calendar_feed(calendar_id, actor_id=ctx.actor.id, uow=ctx.uow, clock=ctx.clock)
        base = ctx.container.settings.public_base_url.rstrip("/")
        return CalendarFeed(url=f"{base}{FEED_PATH}/{token}{FEED_SUFFIX}")

    @delete(
        "/calendars/{calendar_id:uuid}/feed",
        operation_id="revokeCalendarFeed",
        **needs(TokenScope.EVENTS_WRITE),
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(401, 403, 404),
        summary="Revoke the calendar's subscription URL",
    )
    async def revoke_feed(self, calendar_id: CalendarId, ctx: Ctx) -> None:
        """Stop the calendar's subscription address: it answers 404 from now on. The calendar's owner only."""
        await revoke_calendar_feed(calendar_id, actor_id=ctx.actor.id, uow=ctx.uow)

    @post(
        "/calendars/{calendar_id:uuid}/import",
        operation_id="importCalendarFile",
        **needs(TokenScope.EVENTS_WRITE, operation_class=_ImportOperation),
        status_code=HTTP_202_ACCEPTED,
        responses=problems(401, 403, 404, 413, 415, 422),
        summary="Import an iCalendar file (the body, Content-Type: text/calendar, at most 10 MB) as a job",
        # The body is read here, not parsed as JSON: RequireJsonBodies lets it through, and the limit is the file's.
        request_max_body_size=MAX_CALENDAR_FILE_BYTES,
    )
    async def import_file(self, calendar_id: CalendarId, request: Request[Any, Any, Any], ctx: Ctx) -> ImportQueued:
        """Import an iCalendar file into the calendar as a background job, answered as `job_id`; follow it with GET
        /api/jobs/{job_id}. Its result has `imported` and `skipped` ([{uid, reason}]). Editors and the owner."""
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media_type and media_type != CALENDAR_MEDIA_TYPE:
            raise ClientException(
                status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                detail="Send the iCalendar file as the body with Content-Type: text/calendar",
            )
        job = await start_calendar_import(
            calendar_id,
            await request.body(),
            actor_id=ctx.actor.id,
            uow=ctx.uow,
            clock=ctx.clock,
            queue=ctx.container.calendar_imports,
        )
        return ImportQueued(job_id=str(job.id))

    @get(
        "/events/{event_id:uuid}/ics",
        operation_id="downloadEventIcs",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404),
        media_type=CALENDAR_MEDIA_TYPE,
        summary="One event (a series with its changed occurrences) as an iCalendar file",
    )
    async def download(self, event_id: EventId, ctx: Ctx) -> Response[bytes]:
        """The event (a series with its exceptions) as an iCalendar file, for anyone who sees it."""
        body = await download_event(
            event_id, actor_id=ctx.actor.id, uow=ctx.uow, writer=ctx.container.calendar_file_writer
        )
        return _ics(body, filename=f"{event_id}.ics")


class CalendarFeedController(Controller):
    path = FEED_PATH
    tags = ["ICS"]

    @get(
        "/{name:str}",
        operation_id="readCalendarFeed",
        responses=problems(404),
        media_type=CALENDAR_MEDIA_TYPE,
        summary="A calendar's subscription feed (no sign-in: the secret URL is the key)",
        opt={"exclude_from_auth": True},
        security=[],
    )
    async def feed(self, name: Annotated[str, Parameter(description="{token}.ics")], ctx: Ctx) -> Response[bytes]:
        """A calendar's events as an iCalendar feed, for calendar apps to subscribe to. The secret address (from
        POST /api/calendars/{id}/feed) is the key: no sign-in."""
        if not name.endswith(FEED_SUFFIX):
            raise NotFound("feed")
        body = await read_calendar_feed(
            name.removesuffix(FEED_SUFFIX), uow=ctx.uow, writer=ctx.container.calendar_file_writer
        )
        return _ics(body)
