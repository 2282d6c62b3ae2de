"""Request bodies with the examples the OpenAPI document shows integrators: `data: Examples.EventCreate` and so on.

Each alias is the schema type with `Body(examples=...)`: parsed and validated exactly as `JSONBody[...]`.
"""

from __future__ import annotations

from typing import Annotated

from litestar.openapi.spec import Example
from litestar.params import Body, BodyKwarg

from entrypoints.http.schemas.availability import OutOfOfficeIn, SuggestionsIn, WorkingHoursIn
from entrypoints.http.schemas.calendars import CalendarCreate, CalendarUpdate, MemberAdd
from entrypoints.http.schemas.events import EventCreate, EventUpdate, ParticipantAdd, ResponseIn
from entrypoints.http.schemas.rooms import RoomCreate, RoomUpdate
from entrypoints.http.schemas.users import InvitationCreate, Login, Register, UserPromote
from entrypoints.http.schemas.webhooks import WebhookCreate

ROOM_ID = "0193a4f2-7c1e-7d2a-9b3c-5e6f7a8b9c0d"
CALENDAR_ID = "0193a4f2-6b0d-7c19-8a2b-4d5e6f7a8b9c"


def _examples(*examples: tuple[str, dict[str, object]]) -> BodyKwarg:
    body: BodyKwarg = Body(examples=[Example(summary=summary, value=value) for summary, value in examples])
    return body


RegisterBody = Annotated[
    Register,
    _examples(
        (
            "A new account",
            {
                "email": "ada@example.com",
                "password": "correct horse battery",
                "name": "Ada",
                "timezone": "Europe/Berlin",
            },
        ),
    ),
]
LoginBody = Annotated[
    Login, _examples(("Email and password", {"email": "ada@example.com", "password": "correct horse battery"}))
]
CalendarCreateBody = Annotated[
    CalendarCreate,
    _examples(
        ("A team calendar", {"name": "Platform team", "color": "#2e7d32", "description": "Releases and on-call"})
    ),
]
CalendarUpdateBody = Annotated[CalendarUpdate, _examples(("A new colour", {"color": "#336699"}))]
MemberAddBody = Annotated[
    MemberAdd,
    _examples(
        ("Share to edit", {"email": "grace@example.com", "role": "editor"}),
        ("Share to read", {"email": "linus@example.com", "role": "viewer"}),
    ),
]
RoomCreateBody = Annotated[
    RoomCreate, _examples(("A meeting room", {"name": "Everest", "capacity": 8, "location": "3rd floor"}))
]
RoomUpdateBody = Annotated[RoomUpdate, _examples(("More seats", {"capacity": 10}))]
EventCreateBody = Annotated[
    EventCreate,
    _examples(
        (
            "A meeting in a room, with guests",
            {
                "title": "Design review",
                "starts_at": "2026-12-02T10:00:00+01:00",
                "ends_at": "2026-12-02T11:00:00+01:00",
                "timezone": "Europe/Berlin",
                "room_id": ROOM_ID,
                "participants": ["grace@example.com", "linus@example.com"],
                "reminders": [10],
            },
        ),
        (
            "A weekly series in a shared calendar",
            {
                "title": "Standup",
                "starts_at": "2026-12-07T09:00:00+01:00",
                "ends_at": "2026-12-07T09:15:00+01:00",
                "timezone": "Europe/Berlin",
                "calendar_id": CALENDAR_ID,
                "recurrence": {"rule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=40"},
            },
        ),
        (
            "An all-day event",
            {"title": "Team offsite", "all_day": True, "start_date": "2027-03-17", "end_date": "2027-03-19"},
        ),
    ),
]
EventUpdateBody = Annotated[
    EventUpdate,
    _examples(
        ("Move it an hour later", {"starts_at": "2026-12-02T11:00:00+01:00", "ends_at": "2026-12-02T12:00:00+01:00"}),
        ("Give up the room", {"room_id": None}),
    ),
]
ParticipantAddBody = Annotated[ParticipantAdd, _examples(("Invite someone", {"email": "grace@example.com"}))]
ResponseBody = Annotated[
    ResponseIn,
    _examples(
        ("Accept", {"status": "accepted"}),
        ("Decline one occurrence of a series", {"status": "declined", "recurrence_id": "2027-03-29T08:00:00Z"}),
    ),
]
UserPromoteBody = Annotated[UserPromote, _examples(("Make someone an administrator", {"email": "grace@example.com"}))]
InvitationCreateBody = Annotated[
    InvitationCreate, _examples(("Invite by email", {"email": "new.colleague@example.com"}))
]
WorkingHoursBody = Annotated[
    WorkingHoursIn,
    _examples(
        (
            "Mornings on Friday",
            {
                "timezone": "Europe/Berlin",
                "days": {
                    "mon": [["09:00", "17:00"]],
                    "tue": [["09:00", "17:00"]],
                    "wed": [["09:00", "12:30"], ["13:30", "17:00"]],
                    "thu": [["09:00", "17:00"]],
                    "fri": [["09:00", "13:00"]],
                },
            },
        ),
    ),
]
OutOfOfficeBody = Annotated[
    OutOfOfficeIn,
    _examples(
        (
            "A week off",
            {"starts_at": "2027-03-15T00:00:00+01:00", "ends_at": "2027-03-20T00:00:00+01:00", "note": "Holiday"},
        )
    ),
]
SuggestionsBody = Annotated[
    SuggestionsIn,
    _examples(
        (
            "An hour for three, with a room for four",
            {
                "participants": ["ada@example.com", "grace@example.com", "linus@example.com"],
                "duration_minutes": 60,
                "start": "2027-03-15T00:00:00Z",
                "end": "2027-03-20T00:00:00Z",
                "capacity": 4,
                "room_required": True,
            },
        ),
    ),
]
WebhookCreateBody = Annotated[
    WebhookCreate,
    _examples(
        (
            "My events, as they change",
            {
                "url": "https://hooks.example.com/planner",
                "events": ["event.created", "event.updated", "event.cancelled"],
            },
        ),
        (
            "Room bookings of a calendar I own",
            {
                "url": "https://hooks.example.com/rooms",
                "events": ["room.booked", "room.released"],
                "calendar_id": CALENDAR_ID,
            },
        ),
    ),
]
