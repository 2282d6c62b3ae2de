"""Where events sit in a day or week grid: by time from top to bottom, overlapping ones side by side."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.scheduling.occurrence import Occurrence

SHORT = timedelta(minutes=50)


@dataclass(frozen=True)
class Placed:
    """An event's piece within one day: its vertical span and its column among the overlapping ones."""

    event: Occurrence
    starts: datetime  # local, clipped to the day
    ends: datetime
    top: float  # percent of the day from its start
    height: float
    column: int
    columns: int

    @property
    def is_short(self) -> bool:
        """Too short for two lines: time and title share one."""
        return self.ends - self.starts < SHORT

    @property
    def left(self) -> float:
        return 100 * self.column / self.columns

    @property
    def width(self) -> float:
        return 100 / self.columns


@dataclass
class Day:
    date: date
    is_today: bool
    placed: list[Placed] = field(default_factory=list)
    all_day: list[Occurrence] = field(default_factory=list)


def week_start(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight (23 or 25 hours on the days clocks change)."""
    return datetime.combine(day, time(), tzinfo=zone), datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)


def lay_out(events: Iterable[Occurrence], days: Sequence[date], zone: ZoneInfo, today: date) -> list[Day]:
    """Place each event in every day it touches; all-day events go above the grid."""
    laid = [Day(date=d, is_today=d == today) for d in days]
    events = sorted(events, key=lambda e: (e.starts_at, e.ends_at))
    for day in laid:
        start, end = day_bounds(day.date, zone)
        length = (end - start).total_seconds()
        pieces: list[tuple[Occurrence, datetime, datetime]] = []
        for event in events:
            if event.starts_at >= end or event.ends_at <= start:
                continue
            if event.all_day:
                day.all_day.append(event)
                continue
            pieces.append(
                (event, max(event.starts_at, start).astimezone(zone), min(event.ends_at, end).astimezone(zone))
            )
        for cluster in _overlapping_clusters(pieces):
            columns = _columns(cluster)
            width = max(columns) + 1
            for (event, s, e), column in zip(cluster, columns, strict=True):
                top = 100 * (s - start).total_seconds() / length
                height = max(100 * (e - s).total_seconds() / length, 1.5)  # a zero-length event stays visible
                day.placed.append(Placed(event, s, e, top, min(height, 100 - top), column, width))
    return laid


def _overlapping_clusters(
    pieces: list[tuple[Occurrence, datetime, datetime]],
) -> list[list[tuple[Occurrence, datetime, datetime]]]:
    clusters: list[list[tuple[Occurrence, datetime, datetime]]] = []
    cluster_end: datetime | None = None
    for piece in pieces:  # sorted by start
        if cluster_end is None or piece[1] >= cluster_end:
            clusters.append([piece])
            cluster_end = piece[2]
        else:
            clusters[-1].append(piece)
            cluster_end = max(cluster_end, piece[2])
    return clusters


def _columns(cluster: list[tuple[Occurrence, datetime, datetime]]) -> list[int]:
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
