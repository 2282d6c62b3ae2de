"""Commands and answers of the find-a-time use cases; `actor_id` is always the signed-in caller."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.availability.busy import BusyBlock
from domain.availability.suggestions import DEFAULT_SUGGESTIONS, Preference, Suggestion
from domain.scheduling.room import Room
from domain.scheduling.time_range import TimeRange


@dataclass(frozen=True, kw_only=True)
class SetWorkingHours:
    """Replace the caller's working week: {"mon": [["09:00", "17:00"]], ...} in `timezone`."""

    actor_id: UUID
    timezone: str
    days: Mapping[str, Sequence[Sequence[str]]]


@dataclass(frozen=True, kw_only=True)
class MarkOutOfOffice:
    """Mark the caller away over [starts_at, ends_at)."""

    actor_id: UUID
    starts_at: datetime
    ends_at: datetime
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RemoveOutOfOffice:
    """Take one of the caller's out-of-office ranges back."""

    actor_id: UUID
    absence_id: UUID


@dataclass(frozen=True, kw_only=True)
class AskFreeBusy:
    """When are these people and rooms taken over [start, end)."""

    actor_id: UUID
    emails: Sequence[str]
    room_ids: Sequence[UUID]
    start: datetime
    end: datetime


@dataclass(frozen=True, kw_only=True)
class SuggestTimes:
    """Find slots of `duration_minutes` in [start, end) for the participants (and a room)."""

    actor_id: UUID
    participants: Sequence[str]
    duration_minutes: int
    start: datetime
    end: datetime
    optional_participants: Sequence[str] = ()
    capacity: int | None = None
    room_required: bool = False
    prefer: Preference = Preference.EARLIEST
    limit: int = DEFAULT_SUGGESTIONS


@dataclass(frozen=True, kw_only=True)
class PersonFreeBusy:
    """One person's merged busy blocks and working spans in the window; `known` False says nothing more.

    `encoded` is the person's part of the answer as the caller's encoder makes it, when one was given
    (kept in the cache, so `busy` and `working_hours` may then be left empty).
    """

    email: str
    known: bool
    timezone: str | None = None
    busy: Sequence[BusyBlock] = ()
    working_hours: Sequence[TimeRange] = ()
    encoded: bytes | None = None


@dataclass(frozen=True, kw_only=True)
class RoomFreeBusy:
    """One room's booked slots in the window; `room` None for an id no room has."""

    room_id: UUID
    room: Room | None
    busy: Sequence[TimeRange] = ()


@dataclass(frozen=True, kw_only=True)
class FreeBusy:
    """Free/busy of the people and rooms asked about, in the order asked."""

    window: TimeRange
    people: Sequence[PersonFreeBusy]
    rooms: Sequence[RoomFreeBusy]


@dataclass(frozen=True, kw_only=True)
class Suggestions:
    """Ranked slots, best first; `unknown` names the participants the ranking could not see."""

    window: TimeRange
    items: Sequence[Suggestion]
    unknown: Sequence[str] = field(default_factory=tuple)
