"""Events: the window query, the event itself, its participants and RSVPs."""

from __future__ import annotations

from typing import Annotated, cast
from uuid import UUID

from litestar import Controller, MediaType, Response, delete, get, patch, post
from litestar.params import HeaderParameter, JSONBody, Parameter, QueryParameter
from litestar.serialization import encode_json
from litestar.status_codes import HTTP_201_CREATED

from application.scheduling.add_participant import add_participant
from application.scheduling.cancel_event import cancel_event
from application.scheduling.create_event import create_event
from application.scheduling.dto import (
    AddParticipant,
    CancelEvent,
    CancelOccurrence,
    CreateEvent,
    GetOccurrence,
    RemoveParticipant,
    Respond,
    UpdateEvent,
    UpdateOccurrence,
)
from application.scheduling.get_event import get_event
from application.scheduling.list_events import list_events
from application.scheduling.occurrences import cancel_occurrence, get_occurrence, update_occurrence
from application.scheduling.remove_participant import remove_participant
from application.scheduling.respond import respond
from application.scheduling.update_event import update_event
from domain.scheduling.event import Event as DomainEvent
from domain.scheduling.occurrence import Occurrence, OccurrenceScope
from entrypoints.http.dependencies import Ctx
from entrypoints.http.etags import etag, expected_revision, expected_version, occurrence_etag
from entrypoints.http.problems import problems
from entrypoints.http.rate_limits import limit_events_created
from entrypoints.http.schemas.events import (
    RECURRENCE_ID_LENGTH,
    Event,
    EventCreate,
    EventList,
    EventUpdate,
    ParticipantAdd,
    ResponseIn,
    parse_recurrence_id,
)
from entrypoints.http.schemas.fields import AwareDateTime
from entrypoints.http.unset import unset_to_domain

EventId = Annotated[UUID, Parameter(description="Event id")]
UserId = Annotated[UUID, Parameter(description="User id")]
RecurrenceId = Annotated[
    str,
    Parameter(
        description="The occurrence's recurrence id: its original start (2027-03-22T09:00:00Z), "
        "or its date (2027-03-17) in an all-day series",
        max_length=RECURRENCE_ID_LENGTH,
    ),
]
Scope = Annotated[
    OccurrenceScope,
    QueryParameter(
        name="scope",
        required=False,
        description="this: only this occurrence; following: this one and the following ones (the series is split)",
    ),
]
IfMatch = Annotated[
    str | None, HeaderParameter(name="If-Match", required=False, description="The ETag of the version you edited")
]
OccurrenceIfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description='The ETag of the occurrence you edited (as its GET answered it, e.g. "o-5f0c2a9e1b7d4c33"): '
        "stale after a change to the whole series or to this occurrence, not after one to another occurrence",
    ),
]


def with_etag(event: DomainEvent, status_code: int = 200) -> Response[Event]:
    """The series (or single event), with its version as its ETag."""
    return Response(Event.of(event), status_code=status_code, headers={"ETag": etag(event.version)})


def with_occurrence_etag(occurrence: Occurrence) -> Response[Event]:
    """One occurrence of a series, with its own revision as its ETag."""
    return Response(Event.of(occurrence), headers={"ETag": occurrence_etag(occurrence.revision)})


class EventController(Controller):
    path = "/api/events"
    tags = ["Events"]

    @get(
        "/",
        operation_id="listEvents",
        responses=problems(401, 404, 422),
        summary="Events I see that overlap [start, end), sorted by start",
    )
    async def list_events(
        self,
        ctx: Ctx,
        start: Annotated[AwareDateTime, QueryParameter(name="start", description="Window start (ISO 8601, offset)")],
        end: Annotated[
            AwareDateTime, QueryParameter(name="end", description="Window end; at most 366 days after start")
        ],
        calendar_id: Annotated[UUID | None, QueryParameter(name="calendar_id", required=False)] = None,
    ) -> Response[EventList]:
        async def answer() -> bytes:
            events = await list_events(
                actor_id=ctx.actor.id, start=start, end=end, calendar_id=calendar_id, uow=ctx.uow
            )
            return encode_json(EventList(items=[Event.of(e) for e in events]))

        # The JSON bytes themselves are cached, so a cached answer is the uncached one, byte for byte.
        body = await ctx.reads.events_window(ctx.actor.id, start, end, calendar_id, answer)
        return Response(cast("EventList", body), media_type=MediaType.JSON)

    @post(
        "/",
        operation_id="createEvent",
        responses=problems(401, 403, 409, 422, 429),
        summary="Create an event, book its room, invite people",
        before_request=limit_events_created,
    )
    async def create_event(self, data: JSONBody[EventCreate], ctx: Ctx) -> Response[Event]:
        command = CreateEvent(
            actor_id=ctx.actor.id,
            event=data.new_event(),
            calendar_id=data.calendar_id,
            participants=data.participants,
        )
        return with_etag(await create_event(command, uow=ctx.uow, clock=ctx.clock), HTTP_201_CREATED)

    @get("/{event_id:uuid}", operation_id="getEvent", responses=problems(401, 404), summary="One event, with its ETag")
    async def get_event(self, event_id: EventId, ctx: Ctx) -> Response[Event]:
        return with_etag(await get_event(event_id, actor_id=ctx.actor.id, uow=ctx.uow))

    @patch(
        "/{event_id:uuid}",
        operation_id="updateEvent",
        responses=problems(401, 403, 404, 409, 412, 422),
        summary="Change an event (If-Match guards against races)",
    )
    async def update_event(
        self, event_id: EventId, data: JSONBody[EventUpdate], ctx: Ctx, if_match: IfMatch = None
    ) -> Response[Event]:
        command = UpdateEvent(
            actor_id=ctx.actor.id,
            event_id=event_id,
            changes=data.changes(),
            participants=unset_to_domain(data.participants),
            expected_version=expected_version(if_match),
        )
        return with_etag(await update_event(command, uow=ctx.uow, clock=ctx.clock))

    @delete(
        "/{event_id:uuid}",
        operation_id="cancelEvent",
        responses=problems(401, 403, 404, 412),
        summary="Cancel an event and tell its participants",
    )
    async def cancel_event(self, event_id: EventId, ctx: Ctx, if_match: IfMatch = None) -> None:
        command = CancelEvent(actor_id=ctx.actor.id, event_id=event_id, expected_version=expected_version(if_match))
        await cancel_event(command, uow=ctx.uow, clock=ctx.clock)

    @post(
        "/{event_id:uuid}/participants",
        operation_id="addParticipant",
        responses=problems(401, 403, 404, 409, 422),
        summary="Invite someone",
    )
    async def add_participant(self, event_id: EventId, data: JSONBody[ParticipantAdd], ctx: Ctx) -> Response[Event]:
        command = AddParticipant(actor_id=ctx.actor.id, event_id=event_id, email=data.email)
        return with_etag(await add_participant(command, uow=ctx.uow, clock=ctx.clock), HTTP_201_CREATED)

    @delete(
        "/{event_id:uuid}/participants/{user_id:uuid}",
        operation_id="removeParticipant",
        responses=problems(401, 403, 404),
        summary="Take someone off the guest list",
    )
    async def remove_participant(self, event_id: EventId, user_id: UserId, ctx: Ctx) -> None:
        command = RemoveParticipant(actor_id=ctx.actor.id, event_id=event_id, user_id=user_id)
        await remove_participant(command, uow=ctx.uow, clock=ctx.clock)

    @post(
        "/{event_id:uuid}/response",
        operation_id="respondToEvent",
        responses=problems(401, 404, 409, 422),
        summary="Answer an invitation",
    )
    async def respond(self, event_id: EventId, data: JSONBody[ResponseIn], ctx: Ctx) -> Response[Event]:
        command = Respond(
            actor_id=ctx.actor.id,
            event_id=event_id,
            status=data.answer(),
            recurrence_id=None if data.recurrence_id is None else parse_recurrence_id(data.recurrence_id),
        )
        return with_etag(await respond(command, uow=ctx.uow, clock=ctx.clock))

    @get(
        "/{event_id:uuid}/occurrences/{recurrence_id:str}",
        operation_id="getOccurrence",
        responses=problems(401, 404, 422),
        summary="One occurrence of a series, with its own ETag",
        description="The occurrence's ETag changes when the whole series or this occurrence changes, not when "
        "another occurrence of the series does: send it back as If-Match to change or cancel this occurrence.",
    )
    async def get_occurrence(self, event_id: EventId, recurrence_id: RecurrenceId, ctx: Ctx) -> Response[Event]:
        query = GetOccurrence(
            actor_id=ctx.actor.id, event_id=event_id, recurrence_id=parse_recurrence_id(recurrence_id)
        )
        return with_occurrence_etag(await get_occurrence(query, uow=ctx.uow))

    @patch(
        "/{event_id:uuid}/occurrences/{recurrence_id:str}",
        operation_id="updateOccurrence",
        responses=problems(401, 403, 404, 409, 412, 422),
        summary="Change one occurrence, or it and the following ones (scope=following splits the series)",
    )
    async def update_occurrence(
        self,
        event_id: EventId,
        recurrence_id: RecurrenceId,
        data: JSONBody[EventUpdate],
        ctx: Ctx,
        occurrence_scope: Scope = OccurrenceScope.THIS,
        if_match: OccurrenceIfMatch = None,
    ) -> Response[Event]:
        command = UpdateOccurrence(
            actor_id=ctx.actor.id,
            event_id=event_id,
            recurrence_id=parse_recurrence_id(recurrence_id),
            changes=data.changes(),
            scope=occurrence_scope,
            participants=unset_to_domain(data.participants),
            expected_revision=expected_revision(if_match),
        )
        return with_occurrence_etag(await update_occurrence(command, uow=ctx.uow, clock=ctx.clock))

    @delete(
        "/{event_id:uuid}/occurrences/{recurrence_id:str}",
        operation_id="cancelOccurrence",
        responses=problems(401, 403, 404, 412, 422),
        summary="Cancel one occurrence, or it and the following ones (scope=following)",
    )
    async def cancel_occurrence(
        self,
        event_id: EventId,
        recurrence_id: RecurrenceId,
        ctx: Ctx,
        occurrence_scope: Scope = OccurrenceScope.THIS,
        if_match: OccurrenceIfMatch = None,
    ) -> None:
        command = CancelOccurrence(
            actor_id=ctx.actor.id,
            event_id=event_id,
            recurrence_id=parse_recurrence_id(recurrence_id),
            scope=occurrence_scope,
            expected_revision=expected_revision(if_match),
        )
        await cancel_occurrence(command, uow=ctx.uow, clock=ctx.clock)
