"""Find a time: my working hours and out-of-office ranges, free/busy, and suggested meeting times."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

from litestar import Controller, MediaType, Response, delete, get, post, put
from litestar.params import Parameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.availability.dto import (
    AskFreeBusy,
    MarkOutOfOffice,
    RemoveOutOfOffice,
    SetWorkingHours,
    SuggestTimes,
)
from application.availability.free_busy import free_busy
from application.availability.out_of_office import list_out_of_office, mark_out_of_office, remove_out_of_office
from application.availability.suggest_times import suggest_times
from application.availability.working_hours import get_working_hours, set_working_hours
from domain.accounts.api_token import TokenScope
from domain.errors import InvalidInput
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.availability import (
    FreeBusy,
    OutOfOffice,
    OutOfOfficeList,
    PersonBusy,
    Suggestions,
    WorkingHours,
)
from entrypoints.http.schemas.examples import OutOfOfficeBody, SuggestionsBody, WorkingHoursBody
from entrypoints.http.schemas.fields import AwareDateTime
from entrypoints.http.scopes import needs

AbsenceId = Annotated[UUID, Parameter(description="Out-of-office range id")]


class MyAvailabilityController(Controller):
    path = "/api/me"
    tags = ["Find a time"]

    @get(
        "/working-hours",
        operation_id="getWorkingHours",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401),
        summary="My working hours",
        description="Each weekday's working spans in my zone; Monday to Friday 09:00-17:00 until I set others.",
    )
    async def get_working_hours(self, ctx: Ctx) -> WorkingHours:
        return WorkingHours.of(await get_working_hours(ctx.actor.id, uow=ctx.uow))

    @put(
        "/working-hours",
        operation_id="setWorkingHours",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 422),
        summary="Replace my working hours",
        description="The whole week at once: a day left out, or [], is a day off. Spans of a day must not overlap; "
        '"24:00" ends a day.',
    )
    async def set_working_hours(self, data: WorkingHoursBody, ctx: Ctx) -> WorkingHours:
        command = SetWorkingHours(actor_id=ctx.actor.id, timezone=data.timezone, days=data.days)
        return WorkingHours.of(await set_working_hours(command, uow=ctx.uow, clock=ctx.clock))

    @get(
        "/out-of-office",
        operation_id="listOutOfOffice",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401),
        summary="My out-of-office ranges",
        description="Every range I marked, by start. Free/busy shows them to colleagues as out_of_office, "
        "never with their note.",
    )
    async def list_out_of_office(self, ctx: Ctx) -> OutOfOfficeList:
        return OutOfOfficeList(items=[OutOfOffice.of(a) for a in await list_out_of_office(ctx.actor.id, uow=ctx.uow)])

    @post(
        "/out-of-office",
        operation_id="markOutOfOffice",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 422),
        status_code=HTTP_201_CREATED,
        summary="Mark myself out of office",
        description="Away over [starts_at, ends_at), whatever my working hours say; at most a year long.",
    )
    async def mark_out_of_office(self, data: OutOfOfficeBody, ctx: Ctx) -> OutOfOffice:
        command = MarkOutOfOffice(actor_id=ctx.actor.id, starts_at=data.starts_at, ends_at=data.ends_at, note=data.note)
        return OutOfOffice.of(await mark_out_of_office(command, uow=ctx.uow, clock=ctx.clock))

    @delete(
        "/out-of-office/{absence_id:uuid}",
        operation_id="removeOutOfOffice",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 404),
        status_code=HTTP_204_NO_CONTENT,
        summary="Take an out-of-office range back",
        description="404 for an id that is not one of mine.",
    )
    async def remove_out_of_office(self, absence_id: AbsenceId, ctx: Ctx) -> None:
        await remove_out_of_office(RemoveOutOfOffice(actor_id=ctx.actor.id, absence_id=absence_id), uow=ctx.uow)


class FreeBusyController(Controller):
    path = "/api/freebusy"
    tags = ["Find a time"]

    @get(
        "/",
        operation_id="getFreeBusy",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 422),
        summary="When people and rooms are taken",
        description="Each person's merged busy blocks (busy, tentative, out_of_office) and working hours, and each "
        "room's bookings, over a window of at most 62 days; never a title or any detail of an event. An email "
        "without an account here answers `known: false` and nothing more; so does an unknown room id. At most 50 "
        "people and 50 rooms.",
    )
    async def free_busy(
        self,
        ctx: Ctx,
        start: Annotated[AwareDateTime, QueryParameter(name="start", description="Window start (ISO 8601, offset)")],
        end: Annotated[AwareDateTime, QueryParameter(name="end", description="Window end; at most 62 days on")],
        emails: Annotated[
            str,
            QueryParameter(
                name="emails",
                required=False,
                max_length=20_000,
                description="Comma-separated emails, e.g. ada@example.com,grace@example.com",
            ),
        ] = "",
        rooms: Annotated[
            str, QueryParameter(name="rooms", required=False, max_length=4_000, description="Comma-separated room ids")
        ] = "",
    ) -> Response[FreeBusy]:
        query = AskFreeBusy(
            actor_id=ctx.actor.id,
            emails=_listed(emails),
            room_ids=[_room_id(text) for text in _listed(rooms)],
            start=start,
            end=end,
        )
        # Each person's part is cached as the JSON bytes it is in the answer, so a cached answer is the
        # uncached one, byte for byte.
        answer = await free_busy(query, uow=ctx.uow, reads=ctx.reads, encode=PersonBusy.encoded)
        return Response(cast("FreeBusy", FreeBusy.encoded(answer)), media_type=MediaType.JSON)


class SchedulingController(Controller):
    path = "/api/scheduling"
    tags = ["Find a time"]

    @post(
        "/suggestions",
        operation_id="suggestMeetingTimes",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 422),
        status_code=HTTP_200_OK,
        summary="Ranked meeting times for people and a room",
        description="Slots of `duration_minutes` (5 minutes to the window) every quarter hour in [start, end) (at "
        "most 62 days), for up to 50 participants, each in their own zone's working hours. Best first: everyone "
        "free, then every required participant free (`optional_participants` may be missing), then the fewest "
        "outside their working hours, then `prefer`'s part of the day, then the earliest; suggestions do not "
        "overlap. Each names who is free, who is not and why, and up to 10 free rooms seating `capacity` "
        "(default: the participants), snuggest first; with `room_required`, only slots with one. Booking a "
        "slot someone took meanwhile answers 409 like any booking.",
    )
    async def suggest(self, data: SuggestionsBody, ctx: Ctx) -> Suggestions:
        command = SuggestTimes(
            actor_id=ctx.actor.id,
            participants=data.participants,
            optional_participants=data.optional_participants,
            duration_minutes=data.duration_minutes,
            start=data.start,
            end=data.end,
            capacity=data.capacity,
            room_required=data.room_required,
            prefer=data.prefer,
            limit=data.limit,
        )
        return Suggestions.of(await suggest_times(command, uow=ctx.uow, reads=ctx.reads))


def _listed(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _room_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput("rooms", f"rooms: {text[:40]!r} is not a room id") from None
