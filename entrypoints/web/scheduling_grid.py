"""The find-a-time grid of the event form: one day across, one lane per person and for the room.

Positions are percent of the day's elapsed time from local midnight to the next, so a day of 23 or
25 hours (clocks change) is drawn as long as it lasts. What a lane shows comes from free/busy: busy
blocks (busy, tentative, out of office) and the person's working hours, never what the time is for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from application.availability.dto import FreeBusy
from domain.scheduling.time_range import TimeRange
from entrypoints.web.week import day_bounds, wall_clock

HOUR = timedelta(hours=1)
STATUS_WORDS = {"busy": "busy", "tentative": "maybe busy", "out_of_office": "out of office"}


@dataclass(frozen=True)
class Block:
    """A stretch of a lane, in percent of the day; `label` says it in words, for everyone."""

    left: float
    width: float
    label: str
    kind: str = ""


@dataclass(frozen=True)
class Lane:
    name: str
    busy: list[Block] = field(default_factory=list)
    working: list[Block] = field(default_factory=list)
    note: str = ""  # "not on planner", "out of its working hours"...

    @property
    def summary(self) -> str:
        """The lane in one sentence, for screen readers."""
        if self.note:
            return f"{self.name}: {self.note}."
        busy = ", ".join(b.label for b in self.busy) or "free all day"
        works = ", ".join(b.label for b in self.working)
        return f"{self.name}: {busy}." + (f" {works}." if works else "")


@dataclass(frozen=True)
class Schedule:
    day: date
    hours: list[Block]
    lanes: list[Lane]
    proposal: Block | None


class _Day:
    def __init__(self, day: date, zone: ZoneInfo) -> None:
        self.zone = zone
        self.start, self.end = day_bounds(day, zone)
        self.length = self.end - self.start

    def block(self, span: TimeRange, label: str, kind: str = "") -> Block | None:
        starts, ends = max(span.starts_at, self.start), min(span.ends_at, self.end)
        if ends <= starts:
            return None
        return Block(100 * ((starts - self.start) / self.length), 100 * ((ends - starts) / self.length), label, kind)

    def times(self, span: TimeRange) -> str:
        starts, ends = max(span.starts_at, self.start), min(span.ends_at, self.end)
        return f"{wall_clock(starts.astimezone(self.zone))}\u2013{wall_clock(ends.astimezone(self.zone))}"

    def hours(self) -> list[Block]:
        """Each elapsed hour of the day, labelled with its wall-clock hour (twice when clocks go back)."""
        marks, moment = [], self.start
        while moment < self.end:
            left = 100 * ((moment - self.start) / self.length)
            marks.append(Block(left, 100 * (HOUR / self.length), moment.astimezone(self.zone).strftime("%H")))
            moment += HOUR
        return marks


def _blocks(day: _Day, spans: Iterable[tuple[TimeRange, str]]) -> list[Block]:
    found = (day.block(span, f"{STATUS_WORDS.get(kind, kind)} {day.times(span)}", kind) for span, kind in spans)
    return [b for b in found if b is not None]


def lay_out_schedule(
    answer: FreeBusy,
    *,
    day: date,
    zone: ZoneInfo,
    names: Sequence[tuple[str, str]],
    slot: tuple[datetime, datetime] | None,
) -> Schedule:
    """Lanes in the order of `names` (email, shown name), then the rooms asked about, for `day` in `zone`."""
    drawn = _Day(day, zone)
    people = {p.email: p for p in answer.people}
    lanes = []
    for email, name in names:
        person = people.get(email)
        if person is None or not person.known:
            lanes.append(Lane(name, note="not on planner: their calendar is not known here"))
            continue
        busy = _blocks(drawn, ((b.time_range, b.status.value) for b in person.busy))
        working = [
            b
            for span in person.working_hours
            if (b := drawn.block(span, f"works {drawn.times(span)}", "working")) is not None
        ]
        lanes.append(Lane(name, busy=busy, working=working))
    for room in answer.rooms:
        if room.room is None:
            continue
        busy = _blocks(drawn, ((span, "busy") for span in room.busy))
        lanes.append(Lane(f"{room.room.name} (room)", busy=[_booked(b) for b in busy]))
    proposal = None
    if slot is not None and slot[1] > slot[0]:
        span = TimeRange(slot[0], slot[1])
        proposal = drawn.block(span, f"this event {drawn.times(span)}", "proposal")
    return Schedule(day=day, hours=drawn.hours(), lanes=lanes, proposal=proposal)


def _booked(block: Block) -> Block:
    return Block(block.left, block.width, block.label.replace("busy", "booked", 1), block.kind)
