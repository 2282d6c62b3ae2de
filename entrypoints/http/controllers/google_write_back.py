"""Google write-back: whether a person's own planner events are written to one of their Google calendars."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, put
from litestar.openapi.spec import Example
from litestar.params import Body

from application.google_sync.choose_write_back import (
    ChooseWriteBack,
    WriteBackChoice,
    choose_write_back,
    write_back_choice,
)
from domain.google_sync.errors import NotConnected
from domain.google_sync.write_back import MAX_GOOGLE_CALENDAR_ID_LENGTH
from entrypoints.http.controllers.google_dependencies import Google, configured_google_dependency
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.scopes import sessions_only

GoogleCalendarId = Annotated[
    str, msgspec.Meta(min_length=1, max_length=MAX_GOOGLE_CALENDAR_ID_LENGTH, examples=["primary"])
]


class WriteBackChange(msgspec.Struct, forbid_unknown_fields=True):
    """`google_calendar_id`: "primary" or a Google calendar planner syncs; null switches write-back off.

    `send_attendees` (default false): also write the participants of your events as Google guests, whom
    Google then emails (invitation, changes, cancellation); false writes no guests and Google emails nobody.
    """

    google_calendar_id: GoogleCalendarId | None
    send_attendees: bool = False


class WriteBackCalendar(msgspec.Struct):
    google_calendar_id: Annotated[str, msgspec.Meta(examples=["primary"])]
    name: Annotated[str, msgspec.Meta(examples=["Primary calendar"])]


class WriteBack(msgspec.Struct):
    """Where planner writes the person's own events in Google (null: write-back is off), and the choices."""

    google_calendar_id: Annotated[str | None, msgspec.Meta(examples=["primary"])]
    calendars: list[WriteBackCalendar]
    can_write: bool
    send_attendees: bool
    """Whether the participants of your events are written as Google guests (Google emails them)."""
    """Whether the grant lets planner write; if not, connect again with GET /api/google/connect?write=true."""

    @classmethod
    def of(cls, choice: WriteBackChoice) -> WriteBack:
        return cls(
            google_calendar_id=choice.google_calendar_id,
            calendars=[WriteBackCalendar(google_calendar_id=i, name=n) for i, n in choice.choices],
            can_write=choice.can_write,
            send_attendees=choice.send_attendees,
        )


class GoogleWriteBackController(Controller):
    """An unconfigured server answers 503 saying what to set (resolving `google` does)."""

    path = "/api/google/write-back"
    tags = ["Google Calendar"]
    dependencies = configured_google_dependency

    @get(
        "/",
        operation_id="getGoogleWriteBack",
        **sessions_only(),
        responses=problems(401, 409),
        summary="Where my own planner events are written in Google (null: not written)",
        description=(
            "The Google calendar planner writes the events you organize to, or null when write-back is off, "
            "with the calendars you may choose. 409 when Google Calendar is not connected."
        ),
    )
    async def show(self, ctx: Ctx, google: Google) -> WriteBack:
        choice = await write_back_choice(ctx.actor.id, uow=ctx.uow)
        if choice is None:
            raise NotConnected("connect Google Calendar first")
        return WriteBack.of(choice)

    @put(
        "/",
        operation_id="setGoogleWriteBack",
        **sessions_only(),
        responses=problems(401, 409, 422),
        summary='Write my own planner events to a Google calendar ("primary"), or stop (null)',
        description=(
            "Your upcoming events (up to 500) are written at once, and from then on every event you "
            "organize in planner (series, overrides and skipped occurrences included) is written to that "
            "Google calendar within seconds of each change, by a background task; edits and deletes made "
            "in Google come back. With `send_attendees: true` the participants are written as Google guests too, "
            "and Google emails them; by default no guest is written and Google emails nobody. "
            "`null` switches it off (copies already in Google stay). 409 when Google "
            "Calendar is not connected or the grant does not allow writing (connect again with "
            "`GET /api/google/connect?write=true`); 422 for a calendar planner does not sync."
        ),
    )
    async def change(
        self,
        data: Annotated[
            WriteBackChange,
            Body(
                examples=[
                    Example(summary="Write to my primary calendar", value={"google_calendar_id": "primary"}),
                    Example(
                        summary="Write to my primary calendar, inviting my events' participants through Google",
                        value={"google_calendar_id": "primary", "send_attendees": True},
                    ),
                    Example(summary="Stop writing", value={"google_calendar_id": None}),
                ]
            ),
        ],
        ctx: Ctx,
        google: Google,
    ) -> WriteBack:
        choice = await choose_write_back(
            ChooseWriteBack(
                actor_id=ctx.actor.id, google_calendar_id=data.google_calendar_id, send_attendees=data.send_attendees
            ),
            uow=ctx.uow,
            clock=ctx.clock,
            queue=google.writes,
        )
        return WriteBack.of(choice)
