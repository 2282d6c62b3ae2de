"""Find a time, in the event form: who is busy when on the form's day, and the best slots of the week ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.response import Template

from application.availability.dto import AskFreeBusy, SuggestTimes
from application.availability.free_busy import free_busy
from application.availability.suggest_times import suggest_times
from domain.accounts.email import normalize_email
from domain.availability.suggestions import MIN_DURATION, Suggestion
from domain.clock import Clock
from domain.errors import InvalidInput
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.web.event_form import LOCAL_INPUT, EventForm
from entrypoints.web.rendering import Viewer, ViewerDep, page
from entrypoints.web.scheduling_grid import Schedule, lay_out_schedule
from entrypoints.web.week import day_bounds, wall_clock

# Suggestions look this far ahead of the day shown, a quarter hour apart; this many are listed.
SUGGESTION_DAYS = timedelta(days=7)
SUGGESTIONS_SHOWN = 6
DEFAULT_LENGTH = timedelta(hours=1)
LONGEST = timedelta(days=1)
QUARTER = timedelta(minutes=15)
REASONS = {
    "busy": "busy",
    "tentative": "maybe busy",
    "out_of_office": "out of office",
    "outside_working_hours": "outside working hours",
}


@dataclass(frozen=True)
class Pick:
    """A suggestion as the form takes it: local times to fill in, the room, and what it says in words."""

    starts: str
    ends: str
    when: str
    free: str
    missing: list[str]
    room_id: str
    room_label: str


def _pick(suggestion: Suggestion, zone: ZoneInfo, total: int) -> Pick:
    starts, ends = (
        moment.astimezone(zone) for moment in (suggestion.time_range.starts_at, suggestion.time_range.ends_at)
    )
    room = suggestion.rooms[0] if suggestion.rooms else None
    everyone = not suggestion.unavailable
    return Pick(
        starts=starts.strftime(LOCAL_INPUT),
        ends=ends.strftime(LOCAL_INPUT),
        when=f"{starts:%a %d %b} {wall_clock(starts)}\u2013{wall_clock(ends)}",
        free="everyone free" if everyone else f"{len(suggestion.free)} of {total} free",
        missing=[f"{email} ({REASONS.get(reason.value, reason.value)})" for email, reason in suggestion.unavailable],
        room_id="" if room is None else str(room.id),
        room_label="" if room is None else f"{room.name} ({room.capacity} seats)",
    )


def _shown_day(raw: str | None, slot: tuple[datetime, datetime] | None, zone: ZoneInfo, clock: Clock) -> date:
    if raw:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return slot[0].date() if slot else clock.now().astimezone(zone).date()


def _length(form: EventForm, slot: tuple[datetime, datetime] | None) -> timedelta:
    if form.all_day or slot is None or not MIN_DURATION <= slot[1] - slot[0] <= LONGEST:
        return DEFAULT_LENGTH
    return slot[1] - slot[0]


def _people(form: EventForm, viewer: Viewer) -> list[tuple[str, str]]:
    """(email, shown name): me first, then the guests as typed, each once; InvalidInput for a malformed one."""
    people = {viewer.user.email: f"You ({viewer.user.email})"}
    for email in form.participants:
        people.setdefault(normalize_email(email, field="participants"), email.strip())
    return list(people.items())


def _next_quarter(moment: datetime) -> datetime:
    """The first quarter hour at or after `moment`, so suggestions start at :00, :15, :30 or :45."""
    past = timedelta(minutes=moment.minute % 15, seconds=moment.second, microseconds=moment.microsecond)
    return moment if not past else moment - past + QUARTER


class FindATimePages(Controller):
    path = "/events/find-a-time"
    include_in_schema = False

    @get("/", name="find_a_time")
    async def find_a_time(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, clock: ClockDep
    ) -> Template:
        """The scheduling grid for the form's day and guests, with suggestions (an htmx fragment)."""
        form = EventForm.posted(request.query_params)
        zone = form.zone() or viewer.zone
        slot = form.slot()
        day = _shown_day(request.query_params.get("day"), slot, zone, clock)
        length = _length(form, slot)
        room_id = form.chosen_room()
        start, end = day_bounds(day, zone)
        context: dict[str, Any] = {
            "day": day,
            "previous": (day - timedelta(days=1)).isoformat(),
            "next": (day + timedelta(days=1)).isoformat(),
            "length": int(length.total_seconds() // 60),
        }
        try:
            people = _people(form, viewer)
            busy = await free_busy(
                AskFreeBusy(
                    actor_id=viewer.user.id,
                    emails=[email for email, _ in people],
                    room_ids=[room_id] if room_id else [],
                    start=start,
                    end=end,
                ),
                uow=uow,
            )
            window_start = _next_quarter(max(start, clock.now()))
            suggestions = await suggest_times(
                SuggestTimes(
                    actor_id=viewer.user.id,
                    participants=[email for email, _ in people],
                    duration_minutes=context["length"],
                    start=window_start,
                    end=window_start + SUGGESTION_DAYS,
                    capacity=form.min_capacity() if form.min_capacity() > 1 else None,
                    limit=SUGGESTIONS_SHOWN,
                ),
                uow=uow,
            )
        except InvalidInput as invalid:
            return page("partials/find_a_time.html", error=_sentence(invalid.detail), schedule=None, **context)
        schedule: Schedule = lay_out_schedule(busy, day=day, zone=zone, names=people, slot=slot)
        total = len(people) - len(suggestions.unknown)
        return page(
            "partials/find_a_time.html",
            schedule=schedule,
            picks=[_pick(s, zone, total) for s in suggestions.items],
            unknown=suggestions.unknown,
            error=None,
            **context,
        )


def _sentence(detail: str) -> str:
    return detail[:1].upper() + detail[1:] + ("" if detail.endswith(".") else ".")
