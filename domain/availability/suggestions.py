"""Ranked meeting times: when the participants and a room are free, best first.

Candidates start every STEP within the window (on the quarter hours of UTC, which are quarter hours
on every zone's wall clock but a few). A candidate is free for a participant who is at work for the
whole of it (their working hours, in their zone) and has no busy, tentative or out-of-office block
overlapping it. Ranking, as issue 18 asks: everyone free, then every required participant free,
then the fewest people outside their working hours, then (with a preference) the preferred part of
the day, then the earliest. Suggestions do not overlap each other: once a slot is chosen, the
candidates overlapping it give way to the next distinct ones.

Each person's and room's state over the candidates is a bytearray with one byte per candidate,
marked a slice at a time: a request over two weeks, ten people and fifty rooms is a few thousand
bytes to combine, not a few hundred thousand interval tests.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.availability.busy import BusyPiece, BusyStatus
from domain.errors import InvalidInput
from domain.scheduling.room import Room
from domain.scheduling.time_range import MicroSpan, TimeRange, from_micros, micros

STEP = timedelta(minutes=15)
MIN_DURATION = timedelta(minutes=5)
MAX_WINDOW = timedelta(days=62)
MAX_PARTICIPANTS = 50
MAX_ROOMS_ASKED = 50
MAX_SUGGESTIONS = 50
DEFAULT_SUGGESTIONS = 10
ROOMS_PER_SUGGESTION = 10
_TICK = timedelta(microseconds=1)
_STEP_US = STEP // _TICK
_ONES = memoryview(b"\x01" * (MAX_WINDOW // STEP + 1))
"""Enough marks for a whole grid, sliced without a copy."""
_NOON = 12
_EXCLUDED = 0xFF
"""The rank class of a candidate that may not be offered (no room free when one is required)."""
_NONZERO = bytes([0]) + bytes([1]) * 255


class Unavailability(enum.StrEnum):
    """Why a participant cannot take a slot, the strongest reason first."""

    OUT_OF_OFFICE = "out_of_office"
    BUSY = "busy"
    TENTATIVE = "tentative"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"


_BLOCKED_BY = {
    BusyStatus.OUT_OF_OFFICE: Unavailability.OUT_OF_OFFICE,
    BusyStatus.BUSY: Unavailability.BUSY,
    BusyStatus.TENTATIVE: Unavailability.TENTATIVE,
}


class Preference(enum.StrEnum):
    """Which part of the day to offer first among equally good slots (read on the asker's wall clock)."""

    EARLIEST = "earliest"
    MORNING = "morning"
    AFTERNOON = "afternoon"


@dataclass(frozen=True)
class Attendee:
    """A participant as the ranking sees them: blocks and working spans are instants (the zone is applied).

    Busy blocks are pieces in whole microseconds (domain/availability/busy.py `BusyPiece`), as the
    repository reads them: no datetime is built for them.
    """

    email: str
    busy: Sequence[BusyPiece]
    working: Sequence[TimeRange]
    required: bool = True


@dataclass(frozen=True)
class RoomSchedule:
    """A room and the slots it is booked for, in whole microseconds since the epoch."""

    room: Room
    booked: Sequence[MicroSpan]


@dataclass(frozen=True, kw_only=True)
class MeetingRequest:
    """What a meeting needs: its length, where to look, seats, and how many answers."""

    window: TimeRange
    duration: timedelta
    seats: int = 1
    room_required: bool = False
    limit: int = DEFAULT_SUGGESTIONS
    prefer: Preference = Preference.EARLIEST
    asker_zone: str = "UTC"

    def __post_init__(self) -> None:
        if self.window.duration > MAX_WINDOW:
            raise InvalidInput("end", f"the window spans at most {MAX_WINDOW.days} days")
        if self.duration < MIN_DURATION:
            raise InvalidInput("duration_minutes", f"a meeting lasts at least {MIN_DURATION.seconds // 60} minutes")
        if self.duration > self.window.duration:
            raise InvalidInput("duration_minutes", "the meeting is longer than the window")
        if not 1 <= self.limit <= MAX_SUGGESTIONS:
            raise InvalidInput("limit", f"limit must be between 1 and {MAX_SUGGESTIONS}")


@dataclass(frozen=True)
class Suggestion:
    """A slot: who is free, who is not and why, the free rooms with enough seats (snuggest first)."""

    time_range: TimeRange
    free: tuple[str, ...]
    unavailable: tuple[tuple[str, Unavailability], ...]
    rooms: tuple[Room, ...]
    outside_working_hours: int
    required_unavailable: int
    preferred: bool

    @property
    def rank(self) -> tuple[bool, bool, int, bool, datetime]:
        """What suggestions are sorted by, best (smallest) first."""
        return (
            bool(self.unavailable),
            self.required_unavailable > 0,
            self.outside_working_hours,
            not self.preferred,
            self.time_range.starts_at,
        )


def check_participant_count(count: int) -> None:
    """Refuse a meeting of nobody, or of more people than a grid can show."""
    if not 1 <= count <= MAX_PARTICIPANTS:
        raise InvalidInput("participants", f"name between 1 and {MAX_PARTICIPANTS} participants")


def suggest(request: MeetingRequest, attendees: Sequence[Attendee], rooms: Sequence[RoomSchedule]) -> list[Suggestion]:
    """Up to `request.limit` slots, best first (see the module's docstring for the order)."""
    grid = _Grid.over(request.window, request.duration)
    if grid.count == 0:
        return []
    states = [_AttendeeState.of(attendee, grid) for attendee in attendees]
    fitting = sorted(
        (r for r in rooms if r.room.capacity >= request.seats), key=lambda r: (r.room.capacity, r.room.name)
    )
    room_taken = [grid.mark_overlapping(r.booked) for r in fitting]
    every_room_taken = _all_marked(room_taken, grid.count)
    unavailable = _count_marked([s.unavailable for s in states], grid.count)
    required_off = _count_marked([s.unavailable for s in states if s.attendee.required], grid.count)
    outside = _count_marked([s.outside for s in states], grid.count)
    if len(states) > MAX_PARTICIPANTS:  # the rank classes count them in a byte (the use case refuses more)
        raise ValueError(f"at most {MAX_PARTICIPANTS} attendees are ranked")
    not_preferred = _not_preferred(grid, request)
    classes = _rank_classes(
        unavailable=unavailable,
        required_off=required_off,
        outside=outside,
        not_preferred=not_preferred,
        excluded=every_room_taken if request.room_required else None,
    )
    span = max(1, -(-grid.duration // grid.step))  # candidates closer than this overlap
    chosen = _best_apart(classes, span=span, limit=request.limit)
    rooms_at = _RoomsAt(fitting, room_taken)
    return [
        _suggestion(
            k, grid, states, rooms_at, outside=outside[k], required_off=required_off[k], preferred=not not_preferred[k]
        )
        for k in chosen
    ]


def _rank_classes(
    *,
    unavailable: bytes,
    required_off: bytes,
    outside: bytes,
    not_preferred: bytes,
    excluded: bytes | None,
) -> bytes:
    """Each candidate's rank as one byte, smaller first, ties broken by time (the caller scans in order).

    The order of issue 18: anyone unavailable, a required one unavailable, how many outside their hours,
    not in the preferred part of the day. Nobody unavailable means nobody outside their hours and no
    required one missing, so these candidates are classes 0-1 (by preference); the others are
    2 + 2 * outside + not-preferred (2-103), plus 128 when a required one is missing (130-231).
    Computed a byte per candidate at once: the columns are added as big integers, whose bytes never
    carry into each other while each stays below 256 (MAX_PARTICIPANTS is 50). Excluded candidates
    are _EXCLUDED (OR-ing 0xFF into their bytes).
    """
    count = len(unavailable)
    anyone = int.from_bytes(unavailable.translate(_NONZERO), "big")
    required = int.from_bytes(required_off.translate(_NONZERO), "big")
    ranks = (required << 7) + (int.from_bytes(outside, "big") << 1) + (anyone << 1)
    ranks += int.from_bytes(not_preferred, "big")
    if excluded is not None:
        ranks |= int.from_bytes(excluded, "big") * _EXCLUDED
    return ranks.to_bytes(count, "big")


def _best_apart(classes: bytes, *, span: int, limit: int) -> list[int]:
    """Up to `limit` candidates, best class first and earliest within a class, no two closer than `span`."""
    chosen: list[int] = []
    for rank in sorted(set(classes)):
        if rank == _EXCLUDED:
            break
        k = classes.find(rank)
        while k != -1:
            if all(abs(k - other) >= span for other in chosen):
                chosen.append(k)
                if len(chosen) == limit:
                    return chosen
                k = classes.find(rank, k + span)  # those in between overlap this one
            else:
                k = classes.find(rank, k + 1)
    return chosen


@dataclass(frozen=True)
class _Grid:
    """Candidate starts first + k * step, k < count, each lasting `duration`; times in whole microseconds."""

    first: int
    step: int
    duration: int
    count: int

    @classmethod
    def over(cls, window: TimeRange, duration: timedelta) -> _Grid:
        step, length = _STEP_US, duration // _TICK
        first = -(-micros(window.starts_at) // step) * step
        latest = micros(window.ends_at) - length
        count = 0 if latest < first else (latest - first) // step + 1
        return cls(first, step, length, count)

    def start(self, k: int) -> datetime:
        return from_micros(self.first + k * self.step)

    def mark_overlapping(self, spans: Sequence[MicroSpan]) -> bytearray:
        """One byte per candidate: 1 where the candidate overlaps one of `spans`."""
        marks = bytearray(self.count)
        first, step, duration, count = self.first, self.step, self.duration, self.count
        for start, end in spans:
            # first + k*step < end and first + k*step + duration > start (comparisons: cheaper than max/min)
            low = (start - first - duration) // step + 1
            low = 0 if low < 0 else low
            high = (end - first + step - 1) // step
            high = count if high > count else high
            if low < high:
                marks[low:high] = _ONES[: high - low]
        return marks

    def mark_busy(self, pieces: Sequence[BusyPiece]) -> dict[BusyStatus, bytearray]:
        """One column per status, as `mark_overlapping` marks that status' pieces: in one pass."""
        marks = {status: bytearray(self.count) for status in _STATUSES}
        first, step, duration, count = self.first, self.step, self.duration, self.count
        for start, end, status in pieces:
            low = (start - first - duration) // step + 1
            low = 0 if low < 0 else low
            high = (end - first + step - 1) // step
            high = count if high > count else high
            if low < high:
                marks[status][low:high] = _ONES[: high - low]
        return marks

    def mark_inside(self, spans: Sequence[TimeRange]) -> bytearray:
        """One byte per candidate: 1 where the candidate lies wholly inside one of `spans`."""
        marks = bytearray(self.count)
        first, step, duration, count = self.first, self.step, self.duration, self.count
        for span in spans:
            start, end = span.micros
            low = max(0, -((first - start) // step))
            high = min(count, (end - duration - first) // step + 1)
            if low < high:
                marks[low:high] = _ONES[: high - low]
        return marks


@dataclass(frozen=True)
class _AttendeeState:
    attendee: Attendee
    blocked: dict[BusyStatus, bytearray]
    at_work: bytearray
    outside: bytes
    unavailable: bytes

    @classmethod
    def of(cls, attendee: Attendee, grid: _Grid) -> _AttendeeState:
        blocked = grid.mark_busy(attendee.busy)
        at_work = grid.mark_inside(attendee.working)
        outside = bytes(at_work.translate(_FLIP))
        unavailable = _any_marked([outside, *blocked.values()], grid.count)
        return cls(attendee, blocked, at_work, outside, unavailable)

    def reason(self, k: int) -> Unavailability | None:
        for status, why in _STRONGEST_FIRST:
            if self.blocked[status][k]:
                return why
        return None if self.at_work[k] else Unavailability.OUTSIDE_WORKING_HOURS


_STRONGEST_FIRST = tuple((status, _BLOCKED_BY[status]) for status in reversed(BusyStatus))
"""Each busy status with what it answers, the strongest first (out of office, busy, tentative)."""


_FLIP = bytes([1, 0]) + bytes(254)
_STATUSES = tuple(BusyStatus)


def _any_marked(columns: Sequence[bytes | bytearray], count: int) -> bytes:
    """1 where any column is marked: the columns' bytes are 0 or 1, so OR-ing them as integers ORs each byte."""
    merged = 0
    for column in columns:
        merged |= int.from_bytes(column, "big")
    return merged.to_bytes(count, "big")


def _all_marked(columns: Sequence[bytes | bytearray], count: int) -> bytes:
    """1 where every column is marked (and everywhere when there is no column)."""
    merged = int.from_bytes(b"\x01" * count, "big")
    for column in columns:
        merged &= int.from_bytes(column, "big")
    return merged.to_bytes(count, "big")


def _count_marked(columns: Sequence[bytes], count: int) -> bytes:
    """How many of the columns are marked at each candidate, a byte each.

    The columns' bytes are 0 or 1, so adding them as integers adds each byte, with no carry into the
    next while fewer than 256 columns are added (MAX_PARTICIPANTS is far below).
    """
    if len(columns) > 255:
        raise ValueError("at most 255 columns are counted")
    total = 0
    for column in columns:
        total += int.from_bytes(column, "big")
    return total.to_bytes(count, "big")


def _not_preferred(grid: _Grid, request: MeetingRequest) -> bytes:
    """1 where the candidate starts outside the preferred part of the asker's day (nowhere for "earliest")."""
    if request.prefer is Preference.EARLIEST:
        return bytes(grid.count)
    zone = ZoneInfo(request.asker_zone)
    morning = request.prefer is Preference.MORNING
    return bytes((grid.start(k).astimezone(zone).hour < _NOON) != morning for k in range(grid.count))


@dataclass(frozen=True)
class _RoomsAt:
    """The rooms that fit, snuggest first, and where each is taken."""

    rooms: Sequence[RoomSchedule]
    taken: Sequence[bytearray]

    def free(self, k: int) -> tuple[Room, ...]:
        return tuple(r.room for r, taken in zip(self.rooms, self.taken, strict=True) if not taken[k])


def _suggestion(
    k: int,
    grid: _Grid,
    states: Sequence[_AttendeeState],
    rooms: _RoomsAt,
    *,
    outside: int,
    required_off: int,
    preferred: bool,
) -> Suggestion:
    start = grid.start(k)
    free: list[str] = []
    unavailable: list[tuple[str, Unavailability]] = []
    for state in states:
        reason = state.reason(k)
        if reason is None:
            free.append(state.attendee.email)
        else:
            unavailable.append((state.attendee.email, reason))
    open_rooms = rooms.free(k)
    return Suggestion(
        time_range=TimeRange(start, start + grid.duration * _TICK),
        free=tuple(free),
        unavailable=tuple(unavailable),
        rooms=open_rooms[:ROOMS_PER_SUGGESTION],
        outside_working_hours=outside,
        required_unavailable=required_off,
        preferred=preferred,
    )
