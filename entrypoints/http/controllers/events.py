"""Events: the window query, the event itself, its participants and RSVPs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, cast
from uuid import UUID

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import HeaderParameter, Parameter, QueryParameter
from litestar.serialization import encode_json
from litestar.status_codes import HTTP_201_CREATED

from application.google_sync.mirrored_guests import guests_of_mirrors, mirrored_guests
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
from domain.accounts.api_token import TokenScope
from domain.google_sync.model import RemoteAttendee
from domain.scheduling.event import Event as DomainEvent
from domain.scheduling.occurrence import Occurrence, OccurrenceScope
from entrypoints.http.dependencies import Ctx
from entrypoints.http.encodings import gzipped, json_from_gzipped
from entrypoints.http.etags import etag, expected_revision, expected_version, occurrence_etag
from entrypoints.http.problems import problems
from entrypoints.http.rate_limits import limit_events_created
from entrypoints.http.schemas.events import (
    RECURRENCE_ID_LENGTH,
    Event,
    EventList,
    parse_recurrence_id,
)
from entrypoints.http.schemas.examples import EventCreateBody, EventUpdateBody, ParticipantAddBody, ResponseBody
from entrypoints.http.schemas.fields import AwareDateTime
from entrypoints.http.scopes import needs
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
AcceptEncoding = Annotated[
    str | None,
    HeaderParameter(
        name="Accept-Encoding", required=False, description="gzip (as browsers send it) for a gzip-compressed answer"
    ),
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


def with_etag(event: DomainEvent, status_code: int = 200, guests: Sequence[RemoteAttendee] = ()) -> Response[Event]:
    """The series (or single event), with its version as its ETag."""
    return Response(Event.of(event, guests), status_code=status_code, headers={"ETag": etag(event.version)})


def with_occurrence_etag(occurrence: Occurrence, guests: Sequence[RemoteAttendee] = ()) -> Response[Event]:
    """One occurrence of a series, with its own revision as its ETag."""
    return Response(Event.of(occurrence, guests), headers={"ETag": occurrence_etag(occurrence.revision)})


class EventController(Controller):
    path = "/api/events"
    tags = ["Events"]

    @get(
        "/",
        operation_id="listEvents",
        **needs(TokenScope.EVENTS_READ),
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
        accept_encoding: AcceptEncoding = None,
    ) -> Response[EventList]:
        """Every occurrence I can see (in my calendars, or as a participant) that overlaps [start, end), sorted by
        start. A series answers one item per occurrence, with `series_id`, `recurrence_id` and `is_override`.
        Gzip-compressed (`Content-Encoding: gzip`) when the request's Accept-Encoding allows it."""

        async def answer() -> bytes:
            events = await list_events(
                actor_id=ctx.actor.id, start=start, end=end, calendar_id=calendar_id, uow=ctx.uow
            )
            guests = await guests_of_mirrors({e.id for e in events}, uow=ctx.uow)
            return gzipped(encode_json(EventList(items=[Event.of(e, guests.get(e.id, ())) for e in events])))

        # The gzipped JSON is cached, so a cached answer is the uncached one, byte for byte, compressed once.
        body = await ctx.reads.events_window(ctx.actor.id, start, end, calendar_id, answer)
        return cast("Response[EventList]", json_from_gzipped(body, accept_encoding))

    @post(
        "/",
        operation_id="createEvent",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 409, 422, 429),
        summary="Create an event, book its room, invite people",
        before_request=limit_events_created,
    )
    async def create_event(self, data: EventCreateBody, ctx: Ctx) -> Response[Event]:
        """A new event (or series, with `recurrence`), in my personal calendar unless `calendar_id` names one I may
        edit. A `room_id` books the room: a room already booked for an overlapping slot is 409 with the slot in
        the way. `participants` are invited (their bell rings)."""
        command = CreateEvent(
            actor_id=ctx.actor.id,
            event=data.new_event(),
            calendar_id=data.calendar_id,
            participants=data.participants,
        )
        return with_etag(await create_event(command, uow=ctx.uow, clock=ctx.clock), HTTP_201_CREATED)

    @get(
        "/{event_id:uuid}",
        operation_id="getEvent",
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404),
        summary="One event, with its ETag",
    )
    async def get_event(self, event_id: EventId, ctx: Ctx) -> Response[Event]:
        """One event I can see, with its participants and their answers; its ETag is its version, for If-Match.
        Someone else's event is 404."""
        event = await get_event(event_id, actor_id=ctx.actor.id, uow=ctx.uow)
        return with_etag(event, guests=await mirrored_guests(event.id, uow=ctx.uow))

    @patch(
        "/{event_id:uuid}",
        operation_id="updateEvent",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404, 409, 412, 422),
        summary="Change an event (If-Match guards against races)",
    )
    async def update_event(
        self, event_id: EventId, data: EventUpdateBody, ctx: Ctx, if_match: IfMatch = None
    ) -> Response[Event]:
        """Change the event: only the fields sent change (`participants`, when sent, is the whole new guest list).
        Send the ETag you read in If-Match: a change someone made meanwhile is 412. The organizer and the
        calendar's editors."""
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
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404, 412),
        summary="Cancel an event and tell its participants",
    )
    async def cancel_event(self, event_id: EventId, ctx: Ctx, if_match: IfMatch = None) -> None:
        """Cancel the event (a series: every occurrence) and tell its participants; its room is free again."""
        command = CancelEvent(actor_id=ctx.actor.id, event_id=event_id, expected_version=expected_version(if_match))
        await cancel_event(command, uow=ctx.uow, clock=ctx.clock)

    @post(
        "/{event_id:uuid}/participants",
        operation_id="addParticipant",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404, 409, 422),
        summary="Invite someone",
    )
    async def add_participant(self, event_id: EventId, data: ParticipantAddBody, ctx: Ctx) -> Response[Event]:
        """Invite one more person, by email."""
        command = AddParticipant(actor_id=ctx.actor.id, event_id=event_id, email=data.email)
        return with_etag(await add_participant(command, uow=ctx.uow, clock=ctx.clock), HTTP_201_CREATED)

    @delete(
        "/{event_id:uuid}/participants/{user_id:uuid}",
        operation_id="removeParticipant",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404),
        summary="Take someone off the guest list",
    )
    async def remove_participant(self, event_id: EventId, user_id: UserId, ctx: Ctx) -> None:
        """Take someone off the guest list: the organizer and editors may, and a participant may leave."""
        command = RemoveParticipant(actor_id=ctx.actor.id, event_id=event_id, user_id=user_id)
        await remove_participant(command, uow=ctx.uow, clock=ctx.clock)

    @post(
        "/{event_id:uuid}/response",
        operation_id="respondToEvent",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 404, 409, 422),
        summary="Answer an invitation",
    )
    async def respond(self, event_id: EventId, data: ResponseBody, ctx: Ctx) -> Response[Event]:
        """Answer an invitation: accepted, declined or tentative; with `recurrence_id`, for that one occurrence of
        a series only. The organizer is told."""
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
        **needs(TokenScope.EVENTS_READ),
        responses=problems(401, 404, 422),
        summary="One occurrence of a series, with its own ETag",
        description="The occurrence's ETag changes when the whole series or this occurrence changes, not when "
        "another occurrence of the series does: send it back as If-Match to change or cancel this occurrence.",
    )
    async def get_occurrence(self, event_id: EventId, recurrence_id: RecurrenceId, ctx: Ctx) -> Response[Event]:
        """One occurrence of a series, as the window query answers it, with its own ETag."""
        query = GetOccurrence(
            actor_id=ctx.actor.id, event_id=event_id, recurrence_id=parse_recurrence_id(recurrence_id)
        )
        occurrence = await get_occurrence(query, uow=ctx.uow)
        return with_occurrence_etag(occurrence, await mirrored_guests(occurrence.id, uow=ctx.uow))

    @patch(
        "/{event_id:uuid}/occurrences/{recurrence_id:str}",
        operation_id="updateOccurrence",
        **needs(TokenScope.EVENTS_WRITE),
        responses=problems(401, 403, 404, 409, 412, 422),
        summary="Change one occurrence, or it and the following ones (scope=following splits the series)",
    )
    async def update_occurrence(
        self,
        event_id: EventId,
        recurrence_id: RecurrenceId,
        data: EventUpdateBody,
        ctx: Ctx,
        occurrence_scope: Scope = OccurrenceScope.THIS,
        if_match: OccurrenceIfMatch = None,
    ) -> Response[Event]:
        """Change one occurrence (`scope=this`, an override) or it and the following ones (`scope=following`: the
        series is split there)."""
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
        **needs(TokenScope.EVENTS_WRITE),
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
        """Cancel one occurrence (`scope=this`) or it and the following ones (`scope=following`); the participants
        are told."""
        command = CancelOccurrence(
            actor_id=ctx.actor.id,
            event_id=event_id,
            recurrence_id=parse_recurrence_id(recurrence_id),
            scope=occurrence_scope,
            expected_revision=expected_revision(if_match),
        )
        await cancel_occurrence(command, uow=ctx.uow, clock=ctx.clock)
