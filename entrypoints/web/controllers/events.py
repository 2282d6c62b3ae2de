"""The event page (with RSVP), the new/edit form with its room picker and guest suggestions, cancelling."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.accounts.get_user import get_user
from application.google_sync.mirrored_guests import mirrored_guests
from application.scheduling.cancel_event import cancel_event
from application.scheduling.create_event import create_event
from application.scheduling.dto import CancelEvent, CreateEvent, Respond, UpdateEvent
from application.scheduling.find_free_rooms import find_free_rooms
from application.scheduling.get_event import get_event
from application.scheduling.get_room import get_room
from application.scheduling.list_calendars import list_calendars
from application.scheduling.list_events import list_events_capped
from application.scheduling.respond import respond
from application.scheduling.update_event import update_event
from domain.clock import Clock
from domain.errors import DomainError, NotFound, PermissionDenied, StaleVersion
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import MAX_TITLE_LENGTH, Event
from domain.scheduling.room import MAX_CAPACITY, Room
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.http.errors import domain_status
from entrypoints.http.rate_limits import limit_events_created
from entrypoints.http.schemas.events import parse_recurrence_id
from entrypoints.web.errors import is_htmx
from entrypoints.web.event_form import EventForm, known_people, rsvp
from entrypoints.web.rendering import Viewer, ViewerDep, event_href, page, recurrence_text
from entrypoints.web.repeat import describe
from entrypoints.web.week import all_day_dates

EventId = Annotated[UUID, Parameter(description="Event id")]
# What the browser checks before posting: the domain's own limits, so it never lets through what is refused.
FORM_LIMITS = {"title": MAX_TITLE_LENGTH, "capacity": MAX_CAPACITY}
# Whom to suggest as guests: the people in my events from a season back to a season ahead.
SUGGESTIONS_SPAN = timedelta(days=90)
ONE_DAY = timedelta(days=1)
# A slot dragged on the grid stays within a day.
MAX_PICKED_SLOT = timedelta(days=1)
COMMON_ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Helsinki",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
]


async def form_page(
    form: EventForm,
    *,
    viewer: Viewer,
    uow: UoW,
    clock: Clock,
    event: Event | None = None,
    status_code: int = 200,
    stale: Event | None = None,
    **more: Any,
) -> Template:
    now = clock.now()
    calendars = [c for c in await list_calendars(actor_id=viewer.user.id, uow=uow) if c.can_write(viewer.user.id)]
    nearby = (
        await list_events_capped(
            actor_id=viewer.user.id, start=now - SUGGESTIONS_SPAN, end=now + SUGGESTIONS_SPAN, uow=uow
        )
    ).events
    return page(
        "event_form.html",
        viewer=viewer,
        status_code=status_code,
        form=form,
        event=event,
        stale=stale,
        calendars=calendars,
        rooms=await _room_choices(form, uow, event),
        people=known_people(nearby, excluding=viewer.user.email),
        zones=sorted({*COMMON_ZONES, form.timezone, viewer.user.timezone}),
        limits=FORM_LIMITS,
        **more,
    )


async def _room_choices(form: EventForm, uow: UoW, event: Event | None) -> list[Room]:
    """Rooms free for the form's slot that seat enough people; the event's own room stays offered."""
    slot = form.slot()
    if slot is None or slot[1] <= slot[0]:
        return []
    try:
        rooms = await find_free_rooms(start=slot[0], end=slot[1], capacity=form.min_capacity(), uow=uow)
    except DomainError:
        return []
    # What the person picked stays offered (with its error, if it was taken meanwhile), and so does the event's room.
    keep = {room_id for room_id in (form.chosen_room(), event.room_id if event else None) if room_id is not None}
    for room_id in keep - {r.id for r in rooms}:
        with contextlib.suppress(NotFound):
            rooms.append(await get_room(room_id, uow=uow))
    return rooms


def _default_start(raw_date: str | None, raw_hour: str | None, viewer: Viewer, clock: Clock) -> datetime:
    zone = viewer.zone
    now = clock.now().astimezone(zone)
    try:
        day = date.fromisoformat(raw_date) if raw_date else now.date()
    except ValueError:
        day = now.date()
    hour = int(raw_hour) if raw_hour and raw_hour.isdigit() and int(raw_hour) < 24 else min(now.hour + 1, 23)
    return datetime.combine(day, time(hour), tzinfo=zone)


def _picked_slot(raw_starts: str | None, raw_ends: str | None, viewer: Viewer) -> tuple[datetime, datetime] | None:
    """The slot picked on the grid (two instants with offsets), in the viewer's zone; None if it is not one."""
    try:
        starts = datetime.fromisoformat(raw_starts or "")
        ends = datetime.fromisoformat(raw_ends or "")
    except ValueError:
        return None
    if starts.tzinfo is None or ends.tzinfo is None or ends <= starts or ends - starts > MAX_PICKED_SLOT:
        return None
    return starts.astimezone(viewer.zone), ends.astimezone(viewer.zone)


class EventPages(Controller):
    path = "/events"
    include_in_schema = False

    @get("/new", name="new_event")
    async def new(
        self,
        viewer: ViewerDep,
        uow: UoW,
        clock: ClockDep,
        day: Annotated[str | None, QueryParameter(name="date")] = None,
        hour: Annotated[str | None, QueryParameter(name="hour")] = None,
        starts_at: Annotated[str | None, QueryParameter(name="starts_at")] = None,
        ends_at: Annotated[str | None, QueryParameter(name="ends_at")] = None,
    ) -> Template:
        """The new-event form: for the slot picked on the grid (starts_at, ends_at), or a date and hour."""
        picked = _picked_slot(starts_at, ends_at, viewer)
        if picked is None:
            form = EventForm.blank(_default_start(day, hour, viewer, clock), viewer.user.timezone)
        else:
            form = EventForm.blank(picked[0], viewer.user.timezone, ends=picked[1])
        return await form_page(form, viewer=viewer, uow=uow, clock=clock)

    @post("/new", before_request=limit_events_created)
    async def create(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep
    ) -> Response[Any]:
        form = EventForm.posted(await request.form())
        values = form.values()
        if values is None:
            return await form_page(form, viewer=viewer, uow=uow, clock=clock, status_code=422)
        command = CreateEvent(
            actor_id=viewer.user.id,
            event=values.event,
            calendar_id=values.calendar_id,
            participants=values.participants,
        )
        try:
            event = await create_event(command, uow=uow, clock=clock)
        except DomainError as error:
            form.refused(error)
            return await form_page(form, viewer=viewer, uow=uow, clock=clock, status_code=_status(error))
        return Redirect(f"/events/{event.id}", status_code=HTTP_303_SEE_OTHER)

    @get("/free-rooms", name="free_rooms")
    async def free_rooms(self, request: Request[Any, Any, Any], uow: UoW) -> Template:
        """The room picker's options for the slot and head count now in the form (an htmx fragment)."""
        form = EventForm.posted(request.query_params)
        event_room = request.query_params.get("event_room")
        rooms = await _room_choices(form, uow, None)
        if event_room and event_room not in {str(r.id) for r in rooms}:
            with contextlib.suppress(NotFound, ValueError):
                rooms.append(await get_room(UUID(event_room), uow=uow))
        return page("partials/room_picker.html", form=form, rooms=rooms, event_room=event_room)

    @get("/repeat-picker", name="repeat_picker")
    async def repeat_picker(self, request: Request[Any, Any, Any]) -> Template:
        """The repeat picker worded for the start now in the form ("on the third Wednesday"): an htmx fragment."""
        # An occurrence's form carries its picker's scope along, so the fragment keeps showing only for it.
        scope = request.query_params.get("repeat_scope")
        return page(
            "partials/repeat_picker.html",
            form=EventForm.posted(request.query_params),
            repeat_scope="following" if scope == "following" else None,
        )

    @get("/participant-field", name="participant_field")
    async def participant_field(self) -> Template:
        """One more empty guest input (an htmx fragment)."""
        return page("partials/participant_input.html", email="", autofocus=True)

    @get("/{event_id:uuid}", name="event")
    async def show(self, event_id: EventId, viewer: ViewerDep, uow: UoW) -> Template:
        event = await get_event(event_id, actor_id=viewer.user.id, uow=uow)
        return page("event.html", viewer=viewer, **await event_context(event, viewer, uow))

    @get("/{event_id:uuid}/edit", name="edit_event")
    async def edit(self, event_id: EventId, viewer: ViewerDep, uow: UoW, clock: ClockDep) -> Template:
        event = await get_event(event_id, actor_id=viewer.user.id, uow=uow)
        if not await may_edit(event, viewer, uow):
            raise PermissionDenied("only the organizer and the calendar's editors can change this event")
        return await form_page(EventForm.of_event(event), viewer=viewer, uow=uow, clock=clock, event=event)

    @post("/{event_id:uuid}/edit")
    async def update(
        self, event_id: EventId, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep
    ) -> Response[Any]:
        event = await get_event(event_id, actor_id=viewer.user.id, uow=uow)
        form = EventForm.posted(await request.form())
        values = form.values()
        if values is None:
            return await form_page(form, viewer=viewer, uow=uow, clock=clock, event=event, status_code=422)
        command = UpdateEvent(
            actor_id=viewer.user.id,
            event_id=event_id,
            changes=values.changes(event.recurrence),
            participants=values.participants,
            expected_version=form.expected_version(),
        )
        try:
            await update_event(command, uow=uow, clock=clock)
        except StaleVersion:
            # Someone saved first: show their version next to what this person typed, ready to apply on top.
            current = await get_event(event_id, actor_id=viewer.user.id, uow=uow)
            form.version = str(current.version)
            form.errors["form"] = "Someone else changed this event while you were editing it."
            return await form_page(
                form, viewer=viewer, uow=uow, clock=clock, event=current, stale=current, status_code=412
            )
        except DomainError as error:
            form.refused(error)
            return await form_page(form, viewer=viewer, uow=uow, clock=clock, event=event, status_code=_status(error))
        return Redirect(f"/events/{event_id}", status_code=HTTP_303_SEE_OTHER)

    @post("/{event_id:uuid}/cancel")
    async def cancel(self, event_id: EventId, viewer: ViewerDep, uow: UoW, clock: ClockDep) -> Response[Any]:
        await cancel_event(CancelEvent(actor_id=viewer.user.id, event_id=event_id), uow=uow, clock=clock)
        return Redirect("/", status_code=HTTP_303_SEE_OTHER)

    @post("/{event_id:uuid}/response")
    async def respond(
        self, event_id: EventId, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep
    ) -> Response[Any]:
        form = await request.form()
        answer = rsvp(form.get("status", ""))
        raw_recurrence_id = form.get("recurrence_id")
        recurrence_id = parse_recurrence_id(raw_recurrence_id) if isinstance(raw_recurrence_id, str) else None
        command = Respond(actor_id=viewer.user.id, event_id=event_id, status=answer, recurrence_id=recurrence_id)
        event = await respond(command, uow=uow, clock=clock)
        if recurrence_id is not None:  # one date of a series: show that occurrence with its answers
            occurrence = event.occurrence(recurrence_id)
            if is_htmx(request):
                context = await event_context(event, viewer, uow) | {
                    "event": occurrence,
                    "mine": occurrence.participant(viewer.user.id),
                    "recurrence_id": recurrence_text(recurrence_id),
                }
                return page("partials/attendance.html", viewer=viewer, **context)
            return Redirect(event_href(occurrence), status_code=HTTP_303_SEE_OTHER)
        if is_htmx(request):
            return page("partials/attendance.html", viewer=viewer, **await event_context(event, viewer, uow))
        return Redirect(f"/events/{event_id}", status_code=HTTP_303_SEE_OTHER)

    @get("/{event_id:uuid}/attendance", name="attendance")
    async def attendance(
        self,
        event_id: EventId,
        viewer: ViewerDep,
        uow: UoW,
        recurrence_id: Annotated[str | None, QueryParameter(name="recurrence_id")] = None,
    ) -> Template:
        """The guest list and my answer (an htmx fragment, refreshed when a notification concerns the event)."""
        event = await get_event(event_id, actor_id=viewer.user.id, uow=uow)
        context = await event_context(event, viewer, uow)
        if recurrence_id is not None:  # one date of a series: its own answers
            occurrence = event.occurrence(parse_recurrence_id(recurrence_id))
            context |= {
                "event": occurrence,
                "mine": occurrence.participant(viewer.user.id),
                "recurrence_id": recurrence_id,
            }
        return page("partials/attendance.html", viewer=viewer, **context)


async def _my_calendar(event: Event, viewer: Viewer, uow: UoW) -> Calendar | None:
    """The event's calendar if I am a member of it (an invitee may not be)."""
    return next((c for c in await list_calendars(actor_id=viewer.user.id, uow=uow) if c.id == event.calendar_id), None)


async def may_edit(event: Event, viewer: Viewer, uow: UoW) -> bool:
    calendar = await _my_calendar(event, viewer, uow)
    return event.organizer_id == viewer.user.id or (
        calendar is not None and event.editable_by(viewer.user.id, calendar)
    )


async def event_context(event: Event, viewer: Viewer, uow: UoW) -> dict[str, Any]:
    calendar = await _my_calendar(event, viewer, uow)
    organizer = await get_user(event.organizer_id, uow=uow)
    room = None
    if event.room_id is not None:
        try:
            room = await get_room(event.room_id, uow=uow)
        except NotFound:
            room = None
    editable = event.organizer_id == viewer.user.id or (
        calendar is not None and event.editable_by(viewer.user.id, calendar)
    )
    dates = all_day_dates(event) if event.all_day else None
    repeats = None
    if event.recurrence is not None:
        first = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
        repeats = describe(event.recurrence.rule, first)
    guests = await mirrored_guests(event.id, uow=uow) if calendar is not None and calendar.read_only else ()
    return {
        "google_guests": guests,
        "repeats": repeats,
        "event": event,
        "calendar": calendar,
        "organizer": organizer,
        "room": room,
        "mine": event.participant(viewer.user.id),
        "editable": editable and not event.is_cancelled,
        "zone": event.timezone,
        "dates": dates,
        "last_day": None if dates is None else dates[1] - ONE_DAY,
        "one_day": ONE_DAY,
    }


def _status(error: DomainError) -> int:
    return domain_status(error)
