"""Where events sit in a day or week grid: by elapsed time from top to bottom, overlapping ones side by side.

The grid has one row per wall-clock hour that occurs on any of the days shown, in the viewer's zone. A
day of 25 hours (clocks go back) has the repeated hour twice, as two rows; a day of 23 hours has no row
for the skipped hour. In a week, each day uses the rows it has and shows the others as a gap, so every
event is drawn by the time that actually elapses: the two 02:00-02:30 of 25 October 2026 in Berlin are
one above the other, never on top of each other.

All-day events are dates (start date, exclusive end date) and sit above the grid on those dates for
every viewer, whatever their zone.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.scheduling.time_range import TimeRange

SHORT = timedelta(minutes=50)
HOUR = timedelta(hours=1)
MIN_HEIGHT = 1.5  # percent of the day: a zero-length event stays visible


class Shown(Protocol):
    """What the grid needs of an event or an occurrence."""

    @property
    def time_range(self) -> TimeRange: ...
    @property
    def all_day(self) -> bool: ...
    @property
    def timezone(self) -> str: ...


@dataclass(frozen=True)
class Row:
    """One hour row of the grid: its wall-clock hour, and the how-manyth time that hour comes that day."""

    hour: int
    nth: int = 0
    note: str = ""  # the zone's abbreviation when the hour is repeated or skipped ("CEST", "CET")

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00"


@dataclass(frozen=True)
class Band:
    """A stretch of a day's column, in percent of the grid's height: a gap, or an event's piece below one."""

    top: float
    height: float


@dataclass(frozen=True)
class Placed:
    """An event's piece within one day: its vertical span and its column among the overlapping ones."""

    event: Shown
    starts: datetime  # in the viewer's zone, clipped to the day
    ends: datetime
    top: float  # percent of the grid's height
    height: float
    column: int
    columns: int
    continued: tuple[Band, ...] = ()  # where it goes on below a gap (an hour this day does not have)
    is_short: bool = False  # too short for two lines (its first piece): time and title share one

    @property
    def left(self) -> float:
        return 100 * self.column / self.columns

    @property
    def width(self) -> float:
        return 100 / self.columns

    @property
    def starts_label(self) -> str:
        return wall_clock(self.starts)

    @property
    def is_first_piece(self) -> bool:
        """Tell whether the event starts in this piece (not carried over from the day before)."""
        return self.starts == self.event.time_range.starts_at

    @property
    def is_last_piece(self) -> bool:
        """Tell whether the event ends in this piece (its bottom edge is the event's end)."""
        return self.ends == self.event.time_range.ends_at

    @property
    def ends_label(self) -> str:
        return wall_clock(self.ends)


@dataclass
class Day:
    date: date
    is_today: bool
    placed: list[Placed] = field(default_factory=list)
    all_day: list[Shown] = field(default_factory=list)
    gaps: list[Band] = field(default_factory=list)
    # The instant each row of the grid begins on this day (None: an hour this day does not have), so a
    # point in the column reads as a time by elapsed time, whatever the clocks do that night.
    hours: list[datetime | None] = field(default_factory=list)


@dataclass(frozen=True)
class Grid:
    rows: list[Row]
    days: list[Day]

    def opening_hour(self, working_day_starts: int) -> int:
        """The hour the grid opens scrolled to: the working day's start, or the first event's if earlier."""
        starts = [p.starts.hour for day in self.days for p in day.placed if p.is_first_piece]
        return min([working_day_starts, *starts])


def week_start(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight, as UTC instants (23 or 25 hours apart when clocks change)."""
    return (
        datetime.combine(day, time(), tzinfo=zone).astimezone(UTC),
        datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC),
    )


def wall_clock(moment: datetime) -> str:
    """ "HH:MM", with the zone's abbreviation when that wall-clock time happens twice that night."""
    text = moment.strftime("%H:%M")
    other = moment.replace(fold=1 - moment.fold)
    if other.utcoffset() != moment.utcoffset():
        return f"{text} {moment.tzname()}"
    return text


def all_day_dates(event: Shown) -> tuple[date, date]:
    """An all-day event's first date and the date after its last, read in the event's own zone."""
    start_date, end_date = getattr(event, "start_date", None), getattr(event, "end_date", None)
    if isinstance(start_date, date) and isinstance(end_date, date):
        return start_date, end_date
    zone = ZoneInfo(event.timezone)
    first = event.time_range.starts_at.astimezone(zone)
    last = event.time_range.ends_at.astimezone(zone)
    end = last.date() if last.time() == time() else last.date() + timedelta(days=1)
    return first.date(), max(end, first.date() + timedelta(days=1))


def _hour_marks(day: date, zone: ZoneInfo) -> list[tuple[datetime, Row]]:
    """Each elapsed hour of the day from local midnight: its instant and the wall-clock row it falls in."""
    start, end = day_bounds(day, zone)
    marks: list[tuple[datetime, Row]] = []
    seen: dict[int, int] = {}
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        nth = seen.get(local.hour, 0)
        seen[local.hour] = nth + 1
        marks.append((moment, Row(local.hour, nth)))
        moment += HOUR
    return marks


def _rows(marks_by_day: list[list[tuple[datetime, Row]]], zone: ZoneInfo) -> list[Row]:
    """The union of the days' rows, with the zone's abbreviation on an hour that is repeated."""
    keys = sorted({(row.hour, row.nth) for marks in marks_by_day for _, row in marks})
    unusual: dict[tuple[int, int], str] = {}
    for marks in marks_by_day:
        hours = [row.hour for _, row in marks]
        for moment, row in marks:
            if hours.count(row.hour) > 1:
                unusual[(row.hour, row.nth)] = moment.astimezone(zone).tzname() or ""
    return [Row(hour, nth, unusual.get((hour, nth), "")) for hour, nth in keys]


class _DayScale:
    """Turns an instant of one day into a height in the grid, by the time elapsed since local midnight."""

    def __init__(self, marks: list[tuple[datetime, Row]], rows: list[Row]) -> None:
        index = {(row.hour, row.nth): i for i, row in enumerate(rows)}
        self.marks = [(moment, index[(row.hour, row.nth)]) for moment, row in marks]
        self.count = len(rows)
        rows_used = [i for _, i in self.marks]
        self.contiguous = rows_used == list(range(rows_used[0], rows_used[0] + len(rows_used)))

    def percent(self, moment: datetime) -> float:
        step, rest = self._step(moment)
        return 100 * (self.marks[step][1] + rest / HOUR) / self.count

    def spans(self, starts: datetime, ends: datetime) -> list[tuple[float, float]]:
        """(top, bottom) of each stretch of rows from `starts` to `ends`: more than one when a gap is crossed."""
        if self.contiguous or starts >= ends:
            return [(self.percent(starts), self.percent(ends))]
        spans: list[tuple[float, float]] = []
        first, _ = self._step(starts)
        last, _ = self._step(ends - timedelta(microseconds=1))
        for step in range(first, last + 1):
            moment, row = self.marks[step]
            top = 100 * (row + max(starts - moment, timedelta()) / HOUR) / self.count
            bottom = 100 * (row + min(ends - moment, HOUR) / HOUR) / self.count
            if spans and abs(spans[-1][1] - top) < 1e-9:
                spans[-1] = (spans[-1][0], bottom)
            else:
                spans.append((top, bottom))
        return spans

    def row_starts(self) -> list[datetime | None]:
        starts: list[datetime | None] = [None] * self.count
        for moment, row in self.marks:
            starts[row] = moment
        return starts

    def gaps(self) -> list[Band]:
        used = {i for _, i in self.marks}
        return [Band(100 * i / self.count, 100 / self.count) for i in range(self.count) if i not in used]

    def _step(self, moment: datetime) -> tuple[int, timedelta]:
        step, rest = divmod(moment - self.marks[0][0], HOUR)
        if step >= len(self.marks):  # the day's end
            return len(self.marks) - 1, HOUR
        return step, rest


def lay_out(events: Iterable[Shown], days: Sequence[date], zone: ZoneInfo, today: date) -> Grid:
    """Place each event in every day it touches; all-day events go above the grid, on their dates."""
    marks_by_day = [_hour_marks(d, zone) for d in days]
    rows = _rows(marks_by_day, zone)
    laid = [Day(date=d, is_today=d == today) for d in days]
    ordered = sorted(events, key=lambda e: (e.time_range.starts_at, e.time_range.ends_at))
    all_day = [(e, *all_day_dates(e)) for e in ordered if e.all_day]
    timed = [e for e in ordered if not e.all_day]
    for day, marks in zip(laid, marks_by_day, strict=True):
        day.all_day = [e for e, first, end in all_day if first <= day.date < end]
        start, end = day_bounds(day.date, zone)
        scale = _DayScale(marks, rows)
        day.gaps = scale.gaps()
        day.hours = scale.row_starts()
        pieces = [
            (e, max(e.time_range.starts_at, start), min(e.time_range.ends_at, end))
            for e in timed
            if e.time_range.starts_at < end and e.time_range.ends_at > start
        ]
        for cluster in _overlapping_clusters(pieces):
            columns = _columns(cluster)
            width = max(columns) + 1
            for (event, s, e), column in zip(cluster, columns, strict=True):
                (top, bottom), *rest = scale.spans(s, e)
                height = max(bottom - top, MIN_HEIGHT)
                local_s, local_e = s.astimezone(zone), e.astimezone(zone)
                continued = tuple(Band(t, b - t) for t, b in rest)
                first_piece = HOUR * ((bottom - top) * len(rows) / 100)
                is_short = min(first_piece, e - s) < SHORT
                day.placed.append(
                    Placed(event, local_s, local_e, top, min(height, 100 - top), column, width, continued, is_short)
                )
    return Grid(rows=rows, days=laid)


_Piece = tuple[Shown, datetime, datetime]  # the event, its start and end within the day, in UTC


def _overlapping_clusters(pieces: list[_Piece]) -> list[list[_Piece]]:
    clusters: list[list[_Piece]] = []
    cluster_end: datetime | None = None
    for piece in pieces:  # sorted by start; UTC instants, so a repeated wall-clock hour does not overlap itself
        if cluster_end is None or piece[1] >= cluster_end:
            clusters.append([piece])
            cluster_end = piece[2]
        else:
            clusters[-1].append(piece)
            cluster_end = max(cluster_end, piece[2])
    return clusters


def _columns(cluster: list[_Piece]) -> list[int]:
    """First free column for each piece, in start order: O(n log n) with two heaps.

    `busy` holds (end, column) of the columns in use, `free` the columns whose piece has ended; a
    piece takes the lowest free column, or opens a new one.
    """
    busy: list[tuple[datetime, int]] = []
    free: list[int] = []
    chosen = []
    for _, starts, ends in cluster:
        while busy and busy[0][0] <= starts:
            heapq.heappush(free, heapq.heappop(busy)[1])
        column = heapq.heappop(free) if free else len(busy)
        heapq.heappush(busy, (ends, column))
        chosen.append(column)
    return chosen
