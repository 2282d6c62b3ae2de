"""One occurrence of a series: its page, and changing or cancelling this one, this and the following, or all."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.scheduling.cancel_event import cancel_event
from application.scheduling.dto import CancelEvent, CancelOccurrence, GetOccurrence, UpdateEvent, UpdateOccurrence
from application.scheduling.get_event import get_event
from application.scheduling.occurrences import cancel_occurrence, get_occurrence, update_occurrence
from application.scheduling.update_event import update_event
from domain.changes import UNSET
from domain.clock import Clock
from domain.errors import DomainError, InvalidInput, PermissionDenied, StaleVersion
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.occurrence import Occurrence, OccurrenceScope
from domain.scheduling.recurrence import Recurrence
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.http.errors import domain_status
from entrypoints.http.schemas.events import parse_recurrence_id
from entrypoints.web.controllers.events import event_context, form_page, may_edit
from entrypoints.web.event_form import EventForm, EventValues
from entrypoints.web.rendering import Viewer, ViewerDep, event_href, page, recurrence_text
from entrypoints.web.repeat import RepeatInvalid
from entrypoints.web.week import all_day_dates

EventId = Annotated[UUID, Parameter(description="The series' id")]
RecurrenceId = Annotated[str, Parameter(description="The occurrence's original start, e.g. 2027-03-17T09:00:00Z")]
ALL = "all"
SCOPES = {"this": OccurrenceScope.THIS, "following": OccurrenceScope.FOLLOWING}


def chosen_scope(value: object) -> str:
    """Which occurrences a change reaches: this, following or all; InvalidInput naming `scope` otherwise."""
    if not isinstance(value, str) or (value not in SCOPES and value != ALL):
        raise InvalidInput("scope", "choose this event, this and the following events, or all events")
    return value


class OccurrencePages(Controller):
    path = "/events/{event_id:uuid}/occurrences/{recurrence_id:str}"
    include_in_schema = False

    @get("/", name="occurrence")
    async def show(self, event_id: EventId, recurrence_id: RecurrenceId, viewer: ViewerDep, uow: UoW) -> Template:
        occurrence, series = await _read(event_id, recurrence_id, viewer, uow)
        return page("event.html", viewer=viewer, **await _occurrence_context(occurrence, series, viewer, uow))

    @get("/edit", name="edit_occurrence")
    async def edit(
        self, event_id: EventId, recurrence_id: RecurrenceId, viewer: ViewerDep, uow: UoW, clock: ClockDep
    ) -> Template:
        occurrence, series = await _read(event_id, recurrence_id, viewer, uow)
        if not await may_edit(series, viewer, uow):
            raise PermissionDenied("only the organizer and the calendar's editors can change this event")
        form = EventForm.of_occurrence(occurrence)
        form.show_repeat(_rule_from(series, occurrence).rule)
        return await _occurrence_form(form, occurrence, series, viewer, uow, clock)

    @post("/edit")
    async def update(
        self,
        event_id: EventId,
        recurrence_id: RecurrenceId,
        request: Request[Any, Any, Any],
        viewer: ViewerDep,
        uow: UoW,
        clock: ClockDep,
    ) -> Response[Any]:
        occurrence, series = await _read(event_id, recurrence_id, viewer, uow)
        posted = await request.form()
        form = EventForm.posted(posted)
        scope = chosen_scope(posted.get("scope", "this"))
        values = form.values()
        if values is None:
            return await _occurrence_form(form, occurrence, series, viewer, uow, clock, status_code=422)
        # A browser always posts the repeat picker; a post without it keeps the rule as it is.
        new_rule = scope == "following" and "repeat" in posted and _rule_changed(form, occurrence, series)
        try:
            target = await _apply(values, scope, occurrence, series, form, viewer, uow, clock, new_rule=new_rule)
        except StaleVersion:
            form.errors["form"] = "Someone else changed this event while you were editing it. Open it again."
            return await _occurrence_form(form, occurrence, series, viewer, uow, clock, status_code=412)
        except DomainError as error:
            form.refused(error)
            return await _occurrence_form(
                form, occurrence, series, viewer, uow, clock, status_code=domain_status(error)
            )
        return Redirect(target, status_code=HTTP_303_SEE_OTHER)

    @post("/cancel")
    async def cancel(
        self,
        event_id: EventId,
        recurrence_id: RecurrenceId,
        request: Request[Any, Any, Any],
        viewer: ViewerDep,
        uow: UoW,
        clock: ClockDep,
    ) -> Response[Any]:
        scope = chosen_scope((await request.form()).get("scope", "this"))
        actor = viewer.user.id
        if scope == ALL:
            await cancel_event(CancelEvent(actor_id=actor, event_id=event_id), uow=uow, clock=clock)
        else:
            command = CancelOccurrence(
                actor_id=actor, event_id=event_id, recurrence_id=parse_recurrence_id(recurrence_id), scope=SCOPES[scope]
            )
            await cancel_occurrence(command, uow=uow, clock=clock)
        return Redirect("/", status_code=HTTP_303_SEE_OTHER)


async def _read(event_id: UUID, recurrence_id: str, viewer: Viewer, uow: UoW) -> tuple[Occurrence, Event]:
    query = GetOccurrence(actor_id=viewer.user.id, event_id=event_id, recurrence_id=parse_recurrence_id(recurrence_id))
    occurrence = await get_occurrence(query, uow=uow)
    return occurrence, await get_event(event_id, actor_id=viewer.user.id, uow=uow)


async def _occurrence_context(occurrence: Occurrence, series: Event, viewer: Viewer, uow: UoW) -> dict[str, Any]:
    context = await event_context(series, viewer, uow)
    dates = all_day_dates(occurrence) if occurrence.all_day else None
    return context | {
        "event": occurrence,
        "series": series,
        "occurrence_url": event_href(occurrence),
        "recurrence_id": None if occurrence.recurrence_id is None else recurrence_text(occurrence.recurrence_id),
        "mine": occurrence.participant(viewer.user.id),
        "dates": dates,
        "last_day": None if dates is None else dates[1] - context["one_day"],
    }


async def _occurrence_form(
    form: EventForm,
    occurrence: Occurrence,
    series: Event,
    viewer: Viewer,
    uow: UoW,
    clock: Clock,
    *,
    status_code: int = 200,
) -> Template:
    return await form_page(
        form,
        viewer=viewer,
        uow=uow,
        clock=clock,
        event=series,
        status_code=status_code,
        occurrence_url=event_href(occurrence),
        scope=form.scope,
    )


async def _apply(
    values: EventValues,
    scope: str,
    occurrence: Occurrence,
    series: Event,
    form: EventForm,
    viewer: Viewer,
    uow: UoW,
    clock: Clock,
    *,
    new_rule: bool = False,
) -> str:
    """Make the change the scope asks for; answer the page to show next.

    With `new_rule`, "this and following" also repeats the following ones as the repeat picker says.
    """
    form.scope = scope
    actor, version = viewer.user.id, form.expected_version()
    assert occurrence.recurrence_id is not None
    starts, ends = _instants(values, series.timezone)
    if scope == ALL:  # the series moves by as much as this occurrence was moved
        changes = replace(values.changes(series.recurrence), recurrence=UNSET)
        if starts is not None and ends is not None:
            moved = starts - occurrence.starts_at
            changes = replace(
                changes, starts_at=series.starts_at + moved, ends_at=series.starts_at + moved + (ends - starts)
            )
        whole = UpdateEvent(
            actor_id=actor,
            event_id=series.id,
            changes=changes,
            participants=values.participants,
            expected_version=version,
        )
        await update_event(whole, uow=uow, clock=clock)
        return f"/events/{series.id}"
    if scope == "this":
        event = values.event
        changes = EventChanges(
            title=event.title,
            description=event.description,
            location=event.location,
            starts_at=UNSET if starts is None else starts,
            ends_at=UNSET if ends is None else ends,
            room_id=event.room_id,
        )
        participants: list[str] | None = None
    else:
        changes = replace(values.changes(series.recurrence), recurrence=UNSET)
        if new_rule:
            changes = replace(changes, recurrence=_following_recurrence(values, occurrence, series))
        participants = values.participants
    command = UpdateOccurrence(
        actor_id=actor,
        event_id=series.id,
        recurrence_id=occurrence.recurrence_id,
        changes=changes,
        scope=SCOPES[scope],
        participants=UNSET if participants is None else participants,
        expected_revision=form.expected_revision(),
    )
    changed = await update_occurrence(command, uow=uow, clock=clock)
    if changed.recurrence_id is None:
        return f"/events/{changed.id}"
    return f"/events/{changed.id}/occurrences/{recurrence_text(changed.recurrence_id)}"


def _rule_from(series: Event, occurrence: Occurrence) -> Recurrence:
    """How the series repeats from this occurrence on (what "this and following" starts with)."""
    assert occurrence.recurrence_id is not None
    return series.recurrence_from(occurrence.recurrence_id)


def _rule_changed(form: EventForm, occurrence: Occurrence, series: Event) -> bool:
    """Whether the posted repeat picker asks for another rule than the one the series goes on with."""
    shown = EventForm.of_occurrence(occurrence)
    shown.show_repeat(_rule_from(series, occurrence).rule)
    first = datetime.fromisoformat(shown.starts).date()
    try:
        return form.repeat.rule(first) != shown.repeat.rule(first)
    except RepeatInvalid:
        return True


def _following_recurrence(values: EventValues, occurrence: Occurrence, series: Event) -> Recurrence | None:
    """The rule the picker chose for the following occurrences, keeping their EXDATEs and RDATEs."""
    chosen = values.event.recurrence
    if chosen is None:
        return None
    kept = _rule_from(series, occurrence)
    return replace(chosen, exdates=kept.exdates, rdates=kept.rdates)


def _instants(values: EventValues, timezone: str) -> tuple[datetime | None, datetime | None]:
    """The form's start and end as instants (an all-day choice as its zone's midnights)."""
    event = values.event
    if event.start_date is not None and event.end_date is not None:
        zone = ZoneInfo(event.timezone or timezone)
        return datetime.combine(event.start_date, time(), zone), datetime.combine(event.end_date, time(), zone)
    return event.starts_at, event.ends_at
