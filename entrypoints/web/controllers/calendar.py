"""The week view (home page) and the day view of my calendars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import QueryParameter
from litestar.response import Template

from application.availability.working_hours import get_working_hours
from application.scheduling.list_calendars import list_calendars
from application.scheduling.list_events import list_events_capped
from domain.clock import Clock
from domain.scheduling.calendar import Calendar
from domain.scheduling.occurrence import Occurrence
from domain.scheduling.time_range import TimeRange
from entrypoints.http.dependencies import ClockDep, UoW
from entrypoints.web.rendering import ViewerDep, page
from entrypoints.web.week import day_bounds, lay_out, week_start

# Where the grid opens on days I do not work (and nothing is earlier): a usual working day's start.
USUAL_DAY_STARTS = 9
# Events in someone else's calendar that I was invited to: toggled like a calendar of their own.
INVITATIONS = "invitations"


def chosen_day(raw: str | None, clock: Clock, viewer: ViewerDep) -> date:
    if raw:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return clock.now().astimezone(viewer.zone).date()


def _shown(events: list[Occurrence], calendars: list[Calendar], hidden: set[str]) -> list[Occurrence]:
    mine = {c.id for c in calendars}
    return [
        e for e in events if (str(e.calendar_id) not in hidden if e.calendar_id in mine else INVITATIONS not in hidden)
    ]


@dataclass(frozen=True)
class Toggle:
    """A calendar's show/hide switch: a link to the same view with that calendar flipped."""

    label: str
    color: str
    shown: bool
    href: str


async def _working_day_starts(viewer: ViewerDep, start: datetime, end: datetime, uow: UoW) -> int:
    """The hour my working day starts on the days shown (the earliest of them), in my zone."""
    hours = await get_working_hours(viewer.user.id, uow=uow)
    spans = hours.spans_in(TimeRange(start, end))
    if not spans:
        return USUAL_DAY_STARTS
    return min(span.starts_at.astimezone(viewer.zone).hour for span in spans)


def _editable(events: list[Occurrence], calendars: list[Calendar], viewer: ViewerDep) -> set[UUID]:
    """The events the viewer may move and resize on the grid: those of calendars they edit (not mirrors)."""
    by_id = {c.id: c for c in calendars}
    return {
        e.id
        for e in events
        if (calendar := by_id.get(e.calendar_id)) is not None and e.series.editable_by(viewer.user.id, calendar)
    }


def _hide_query(hidden: set[str]) -> str:
    return "".join(f"&hide={h}" for h in sorted(hidden))


def _toggles(calendars: list[Calendar], hidden: set[str], *, base: str, day: date) -> list[Toggle]:
    entries = [(c.name, c.color, str(c.id)) for c in calendars] + [("Invitations", "#6b7280", INVITATIONS)]
    return [
        Toggle(label, color, key not in hidden, f"{base}?date={day.isoformat()}{_hide_query(hidden ^ {key})}")
        for label, color, key in entries
    ]


class CalendarPages(Controller):
    include_in_schema = False

    @get("/", name="week")
    async def week(
        self,
        viewer: ViewerDep,
        uow: UoW,
        clock: ClockDep,
        day: Annotated[str | None, QueryParameter(name="date")] = None,
        hide: Annotated[list[str] | None, QueryParameter(name="hide")] = None,
    ) -> Template:
        first = week_start(chosen_day(day, clock, viewer))
        week = [first + timedelta(days=i) for i in range(7)]
        return await self._grid(viewer, uow, clock, days=week, hide=hide, mode="week")

    @get("/day", name="day")
    async def day_view(
        self,
        viewer: ViewerDep,
        uow: UoW,
        clock: ClockDep,
        day: Annotated[str | None, QueryParameter(name="date")] = None,
        hide: Annotated[list[str] | None, QueryParameter(name="hide")] = None,
    ) -> Template:
        return await self._grid(viewer, uow, clock, days=[chosen_day(day, clock, viewer)], hide=hide, mode="day")

    @get("/calendars", name="calendars")
    async def calendars(self, viewer: ViewerDep, uow: UoW) -> Template:
        """My calendars I may add to, each with Subscribe (its feed address) and Import .ics (a job with progress)."""
        mine = await list_calendars(actor_id=viewer.user.id, uow=uow)
        return page("calendars.html", viewer=viewer, calendars=[c for c in mine if c.can_write(viewer.user.id)])

    async def _grid(
        self,
        viewer: ViewerDep,
        uow: UoW,
        clock: Clock,
        *,
        days: list[date],
        hide: list[str] | None,
        mode: str,
    ) -> Template:
        zone = viewer.zone
        start, _ = day_bounds(days[0], zone)
        _, end = day_bounds(days[-1], zone)
        calendars = await list_calendars(actor_id=viewer.user.id, uow=uow)
        # Capped: past MAX_EVENTS_IN_WINDOW the page says how many more there are instead of failing.
        listing = await list_events_capped(actor_id=viewer.user.id, start=start, end=end, uow=uow)
        hidden = set(hide or [])
        today = clock.now().astimezone(zone).date()
        step = timedelta(days=len(days))
        shown = _shown(listing.events, calendars, hidden)
        grid = lay_out(shown, days, zone, today)
        return page(
            "calendar.html",
            viewer=viewer,
            mode=mode,
            days=grid.days,
            rows=grid.rows,
            opening_hour=grid.opening_hour(await _working_day_starts(viewer, start, end, uow)),
            editable=_editable(shown, calendars, viewer),
            more=listing.more,
            calendars=calendars,
            colors={c.id: c.color for c in calendars},
            hidden=hidden,
            invitations=INVITATIONS,
            previous=(days[0] - step).isoformat(),
            next=(days[0] + step).isoformat(),
            today=today.isoformat(),
            first=days[0],
            last=days[-1],
            hide_query=_hide_query(hidden),
            toggles=_toggles(calendars, hidden, base="/" if mode == "week" else "/day", day=days[0]),
        )
