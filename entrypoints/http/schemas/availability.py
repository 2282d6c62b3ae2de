"""Find a time: working hours, out of office, free/busy and suggestions, as the API shapes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar.serialization import encode_json

from application.availability.dto import FreeBusy as FreeBusyAnswer
from application.availability.dto import PersonFreeBusy, RoomFreeBusy
from application.availability.dto import Suggestions as SuggestionsAnswer
from domain.availability.busy import BusyStatus
from domain.availability.out_of_office import MAX_NOTE_LENGTH
from domain.availability.out_of_office import OutOfOffice as DomainOutOfOffice
from domain.availability.suggestions import DEFAULT_SUGGESTIONS, MAX_PARTICIPANTS, MAX_SUGGESTIONS, Preference
from domain.availability.suggestions import Suggestion as DomainSuggestion
from domain.availability.working_hours import MAX_SPANS_PER_DAY, WEEKDAYS, clock_text
from domain.availability.working_hours import WorkingHours as DomainWorkingHours
from domain.scheduling.room import MAX_CAPACITY
from domain.scheduling.time_range import TimeRange
from entrypoints.http.schemas.fields import AwareDateTime, TimeZoneName

Day = Annotated[
    list[Annotated[list[Annotated[str, msgspec.Meta(max_length=5)]], msgspec.Meta(max_length=2)]],
    msgspec.Meta(
        max_length=MAX_SPANS_PER_DAY,
        description='Spans of the day, ["HH:MM", "HH:MM"], in `timezone`; [] for a day off',
    ),
]
Days = Annotated[
    dict[Annotated[str, msgspec.Meta(max_length=3)], Day],
    msgspec.Meta(
        description="mon..sun; a day left out is a day off",
        examples=[{day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]}],
    ),
]
EmailList = Annotated[
    list[Annotated[str, msgspec.Meta(max_length=320)]],
    msgspec.Meta(max_length=MAX_PARTICIPANTS, examples=[["ada@example.com", "grace@example.com"]]),
]
"""Emails as typed: checked by the use case, so a malformed one is a 422 naming the field."""


class WorkingHours(msgspec.Struct):
    timezone: TimeZoneName
    days: Days

    @classmethod
    def of(cls, hours: DomainWorkingHours) -> WorkingHours:
        return cls(
            timezone=hours.timezone,
            days={day: [[clock_text(s.start), clock_text(s.end)] for s in hours.days.get(day, ())] for day in WEEKDAYS},
        )


class WorkingHoursIn(msgspec.Struct, forbid_unknown_fields=True):
    timezone: TimeZoneName
    days: Days


class OutOfOffice(msgspec.Struct):
    id: UUID
    starts_at: datetime
    ends_at: datetime
    note: str
    created_at: datetime

    @classmethod
    def of(cls, absence: DomainOutOfOffice) -> OutOfOffice:
        return cls(
            id=absence.id,
            starts_at=absence.time_range.starts_at,
            ends_at=absence.time_range.ends_at,
            note=absence.note,
            created_at=absence.created_at,
        )


class OutOfOfficeList(msgspec.Struct):
    items: list[OutOfOffice]


class OutOfOfficeIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_at: AwareDateTime
    ends_at: AwareDateTime
    note: Annotated[str, msgspec.Meta(max_length=MAX_NOTE_LENGTH, examples=["Holiday"])] = ""


class Span(msgspec.Struct):
    start: datetime
    end: datetime

    @classmethod
    def of(cls, span: TimeRange) -> Span:
        return cls(start=span.starts_at, end=span.ends_at)


class BusyBlock(msgspec.Struct):
    start: datetime
    end: datetime
    status: Annotated[
        str, msgspec.Meta(description="busy, tentative (unanswered or maybe) or out_of_office", examples=["busy"])
    ]


_STATUS_TEXT = {status: status.value for status in BusyStatus}
"""Each status' text, looked up (an enum's `.value` costs a descriptor call, thousands of times an answer)."""


class PersonBusy(msgspec.Struct):
    """A person's busy time; `known` false (no account here, said the same way whatever the reason) and nothing else."""

    known: bool
    busy: list[BusyBlock]
    working_hours: list[Span]
    timezone: str | None = None

    @classmethod
    def of(cls, person: PersonFreeBusy) -> PersonBusy:
        status = _STATUS_TEXT
        return cls(
            known=person.known,
            timezone=person.timezone,
            busy=[BusyBlock(start=b.starts_at, end=b.ends_at, status=status[b.status]) for b in person.busy],
            working_hours=[Span.of(s) for s in person.working_hours],
        )

    @classmethod
    def encoded(cls, person: PersonFreeBusy) -> bytes:
        """The person's part of a free/busy answer, as the API encodes it (what the cache keeps)."""
        return encode_json(cls.of(person))


class RoomBusy(msgspec.Struct):
    known: bool
    busy: list[BusyBlock]
    name: str | None = None
    capacity: int | None = None

    @classmethod
    def of(cls, room: RoomFreeBusy) -> RoomBusy:
        return cls(
            known=room.room is not None,
            name=None if room.room is None else room.room.name,
            capacity=None if room.room is None else room.room.capacity,
            busy=[BusyBlock(start=s.starts_at, end=s.ends_at, status="busy") for s in room.busy],
        )


class FreeBusy(msgspec.Struct):
    start: datetime
    end: datetime
    people: dict[str, PersonBusy]
    rooms: dict[str, RoomBusy]

    @classmethod
    def of(cls, answer: FreeBusyAnswer) -> FreeBusy:
        return cls(
            start=answer.window.starts_at,
            end=answer.window.ends_at,
            people={p.email: PersonBusy.of(p) for p in answer.people},
            rooms={str(r.room_id): RoomBusy.of(r) for r in answer.rooms},
        )

    @classmethod
    def encoded(cls, answer: FreeBusyAnswer) -> bytes:
        """The answer as FreeBusy encodes it, each person's part taken as encoded where it is (PersonBusy.encoded)."""
        return encode_json(
            _FreeBusyBody(
                start=answer.window.starts_at,
                end=answer.window.ends_at,
                people={
                    p.email: msgspec.Raw(p.encoded) if p.encoded is not None else PersonBusy.of(p)
                    for p in answer.people
                },
                rooms={str(r.room_id): RoomBusy.of(r) for r in answer.rooms},
            )
        )


class _FreeBusyBody(msgspec.Struct):
    """FreeBusy with people's parts already encoded: the same JSON, field for field (never in the API schema)."""

    start: datetime
    end: datetime
    people: dict[str, PersonBusy | msgspec.Raw]
    rooms: dict[str, RoomBusy]


class SuggestionsIn(msgspec.Struct, forbid_unknown_fields=True):
    participants: EmailList
    duration_minutes: Annotated[int, msgspec.Meta(examples=[60], description="At least 5, at most the window")]
    start: AwareDateTime
    end: AwareDateTime
    optional_participants: EmailList = msgspec.field(default_factory=list)
    capacity: Annotated[int, msgspec.Meta(ge=1, le=MAX_CAPACITY, examples=[4])] | None = None
    room_required: bool = False
    prefer: Annotated[
        Preference, msgspec.Meta(description="Among equally good slots, which part of the caller's day comes first")
    ] = Preference.EARLIEST
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_SUGGESTIONS)] = DEFAULT_SUGGESTIONS


class Unavailable(msgspec.Struct):
    email: str
    reason: Annotated[
        str,
        msgspec.Meta(
            description="out_of_office, busy, tentative or outside_working_hours", examples=["outside_working_hours"]
        ),
    ]


class SuggestedRoom(msgspec.Struct):
    id: UUID
    name: str
    capacity: int


class Suggestion(msgspec.Struct):
    start: datetime
    end: datetime
    free: list[str]
    unavailable: list[Unavailable]
    rooms: list[SuggestedRoom]

    @classmethod
    def of(cls, suggestion: DomainSuggestion) -> Suggestion:
        return cls(
            start=suggestion.time_range.starts_at,
            end=suggestion.time_range.ends_at,
            free=list(suggestion.free),
            unavailable=[Unavailable(email=e, reason=r.value) for e, r in suggestion.unavailable],
            rooms=[SuggestedRoom(id=r.id, name=r.name, capacity=r.capacity) for r in suggestion.rooms],
        )


class Suggestions(msgspec.Struct):
    items: list[Suggestion]
    unknown: list[str]
    """Participants without an account here, left out of the ranking."""

    @classmethod
    def of(cls, answer: SuggestionsAnswer) -> Suggestions:
        return cls(items=[Suggestion.of(s) for s in answer.items], unknown=list(answer.unknown))
