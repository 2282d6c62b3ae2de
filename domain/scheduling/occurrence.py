"""Occurrences of a series (RFC 5545): what one date of a recurring event holds, and what it overrides.

An occurrence is named by its recurrence id: its original start, in UTC (for an all-day series, its
original date at 00:00 UTC). An override keeps only the fields it changed, so a change to the whole
series still reaches the fields it left alone, as RFC 5545 and Google do.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Generic, TypeVar, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.errors import StaleVersion
from domain.scheduling.participant import Participant, ParticipantStatus
from domain.scheduling.time_range import TimeRange

if TYPE_CHECKING:
    from domain.scheduling.event import Event, EventStatus

T = TypeVar("T")


class OccurrenceScope(enum.StrEnum):
    """Which occurrences of a series a change to one of them reaches."""

    THIS = "this"
    FOLLOWING = "following"


OCCURRENCE_HORIZON = timedelta(days=730)
"""How far past a series' last change its occurrences are stored (and so hold their room): two years."""


REVISION_BYTES = 8
"""How long an occurrence's revision is (in bytes, twice as many hex digits): enough to tell versions apart."""


def date_recurrence_id(day: date) -> datetime:
    """The recurrence id of an all-day series' occurrence on `day`."""
    return datetime.combine(day, time(0), tzinfo=UTC)


@dataclass(kw_only=True)
class Override:
    """What one occurrence changes of its series; None (and `room_changed` False) keeps the series' value."""

    recurrence_id: datetime
    title: str | None = None
    description: str | None = None
    location: str | None = None
    time_range: TimeRange | None = None
    room_changed: bool = False
    room_id: UUID | None = None
    responses: dict[UUID, ParticipantStatus] = field(default_factory=dict)

    @property
    def changes_anything_shown(self) -> bool:
        """Tell whether the occurrence differs from its series in what a calendar shows (answers aside)."""
        return (
            self.title is not None
            or self.description is not None
            or self.location is not None
            or self.time_range is not None
            or self.room_changed
        )

    def moved_by(self, delta: timedelta) -> Override:
        """The same override for an occurrence whose original start moved by `delta`."""
        return Override(
            recurrence_id=self.recurrence_id + delta,
            title=self.title,
            description=self.description,
            location=self.location,
            time_range=self.time_range,
            room_changed=self.room_changed,
            room_id=self.room_id,
            responses=dict(self.responses),
        )


class _OfSeries(Generic[T]):
    """An attribute an occurrence reads from its series, under the same name."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, occurrence: Occurrence, owner: type | None = None) -> T:
        return cast(T, getattr(occurrence.series, self._name))


@dataclass(frozen=True, eq=False)
class Occurrence:
    """One date of an event as a calendar shows it: a single event's only one, or one of a series'."""

    series: Event
    recurrence_id: datetime | None
    time_range: TimeRange
    override: Override | None = None

    @property
    def id(self) -> UUID:
        """The event's (the series') id."""
        return self.series.id

    @property
    def series_id(self) -> UUID | None:
        """The series' id; None for a single event."""
        return self.series.id if self.series.recurrence is not None else None

    @property
    def is_override(self) -> bool:
        """Tell whether this occurrence differs from its series."""
        return self.override is not None and self.override.changes_anything_shown

    @property
    def is_recurring(self) -> bool:
        """Tell whether the occurrence belongs to a series."""
        return self.series.recurrence is not None

    @property
    def starts_at(self) -> datetime:
        """When it starts (UTC)."""
        return self.time_range.starts_at

    @property
    def ends_at(self) -> datetime:
        """When it ends (UTC)."""
        return self.time_range.ends_at

    @property
    def start_date(self) -> date | None:
        """The first date of an all-day occurrence; None for a timed one."""
        return local_dates(self.time_range, self.series.timezone)[0] if self.all_day else None

    @property
    def end_date(self) -> date | None:
        """The day after the last date of an all-day occurrence (exclusive); None for a timed one."""
        return local_dates(self.time_range, self.series.timezone)[1] if self.all_day else None

    @property
    def title(self) -> str:
        """The occurrence's title."""
        return _first(self.override.title if self.override else None, self.series.title)

    @property
    def description(self) -> str:
        """The occurrence's description."""
        return _first(self.override.description if self.override else None, self.series.description)

    @property
    def location(self) -> str:
        """The occurrence's location."""
        return _first(self.override.location if self.override else None, self.series.location)

    @property
    def room_id(self) -> UUID | None:
        """The room the occurrence holds."""
        if self.override is not None and self.override.room_changed:
            return self.override.room_id
        return self.series.room_id

    @property
    def participants(self) -> list[Participant]:
        """The guest list, with the answers given for this occurrence."""
        responses = self.override.responses if self.override is not None else {}
        if not responses:
            return self.series.participants
        return [
            Participant(user_id=p.user_id, email=p.email, name=p.name, status=responses.get(p.user_id, p.status))
            for p in self.series.participants
        ]

    @property
    def status(self) -> EventStatus:
        """The series' status."""
        return self.series.status

    def participant(self, user_id: UUID) -> Participant | None:
        """The user's invitation with their answer for this occurrence, or None."""
        return next((p for p in self.participants if p.user_id == user_id), None)

    @property
    def revision(self) -> str:
        """A fingerprint of what this occurrence is made of: its series' own fields and its own override.

        An occurrence's ETag. A change to the whole series changes it; a change to another occurrence
        (its override, or its EXDATE when it is cancelled) does not, unlike the series' `version`.
        """
        series, override = self.series, self.override
        recurrence = series.recurrence
        made_of: list[object] = [
            str(series.id),
            _utc_text(self.recurrence_id),
            series.title,
            series.description,
            series.location,
            _span_text(series.time_range),
            series.all_day,
            series.timezone,
            None if series.room_id is None else str(series.room_id),
            series.status.value,
            series.transparency.value,
            list(series.reminders),
            None if recurrence is None else [recurrence.rule, [str(d) for d in recurrence.rdates]],
            [[str(p.user_id), p.status.value] for p in series.participants],
        ]
        if override is not None:
            made_of.append(
                [
                    override.title,
                    override.description,
                    override.location,
                    None if override.time_range is None else _span_text(override.time_range),
                    override.room_changed,
                    None if override.room_id is None else str(override.room_id),
                    sorted([str(user_id), status.value] for user_id, status in override.responses.items()),
                ]
            )
        text = json.dumps(made_of, separators=(",", ":"))
        return hashlib.blake2b(text.encode(), digest_size=REVISION_BYTES).hexdigest()

    def check_revision(self, expected: str | None) -> None:
        """Refuse a change made against another revision of this occurrence (None: no precondition)."""
        if expected is not None and expected != self.revision:
            raise StaleVersion(expected=expected, actual=self.revision)

    # What every occurrence shares with its series (the version too: any change to the series or to
    # one of its occurrences bumps it, so the series' ETag guards both; an occurrence's is its revision).
    calendar_id = _OfSeries[UUID]()
    organizer_id = _OfSeries[UUID]()
    all_day = _OfSeries[bool]()
    timezone = _OfSeries[str]()
    version = _OfSeries[int]()
    reminders = _OfSeries[tuple[int, ...]]()
    created_at = _OfSeries[datetime]()
    updated_at = _OfSeries[datetime]()
    participant_ids = _OfSeries[tuple[UUID, ...]]()


def local_dates(span: TimeRange, timezone: str) -> tuple[date, date]:
    """The dates [first, end) an all-day span covers in its own zone."""
    zone = ZoneInfo(timezone)
    return span.starts_at.astimezone(zone).date(), span.ends_at.astimezone(zone).date()


def _utc_text(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _span_text(span: TimeRange) -> list[str | None]:
    return [_utc_text(span.starts_at), _utc_text(span.ends_at)]


def _first(override: str | None, series: str) -> str:
    return series if override is None else override
