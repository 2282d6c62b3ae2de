"""The request fields' types: each bound (a length, a range, a list size) is the domain's own constant.

The domain refuses what breaks its rules whoever calls it; these types only let the OpenAPI schema
advertise the same limits and refuse an oversized body before it is decoded. Writing a number here
instead of importing it is how the schema and the domain drifted apart once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from domain.accounts import user
from domain.accounts.email import MAX_EMAIL_LENGTH
from domain.scheduling import calendar, event, recurrence, room
from domain.scheduling.reminders import MAX_REMINDER_MINUTES, MAX_REMINDERS
from domain.scheduling.timezone import MAX_TIMEZONE_LENGTH

Email = Annotated[
    str,
    msgspec.Meta(min_length=3, max_length=MAX_EMAIL_LENGTH, pattern=r"^[^@\s]+@[^@\s]+$", examples=["ada@example.com"]),
]
TimeZoneName = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TIMEZONE_LENGTH, examples=["Europe/Berlin"])]
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True, examples=["2026-11-23T10:00:00+01:00"])]

UserName = Annotated[str, msgspec.Meta(min_length=1, max_length=user.MAX_NAME_LENGTH)]
Password = Annotated[str, msgspec.Meta(min_length=user.MIN_PASSWORD_LENGTH, max_length=user.MAX_PASSWORD_LENGTH)]

CalendarName = Annotated[str, msgspec.Meta(min_length=1, max_length=calendar.MAX_NAME_LENGTH)]
CalendarDescription = Annotated[str, msgspec.Meta(max_length=calendar.MAX_DESCRIPTION_LENGTH)]
Color = Annotated[str, msgspec.Meta(pattern=r"^#[0-9a-fA-F]{6}$", examples=[calendar.DEFAULT_COLOR])]

RoomName = Annotated[str, msgspec.Meta(min_length=1, max_length=room.MAX_NAME_LENGTH)]
RoomLocation = Annotated[str, msgspec.Meta(max_length=room.MAX_LOCATION_LENGTH)]
Capacity = Annotated[int, msgspec.Meta(ge=1, le=room.MAX_CAPACITY)]

RecurrenceRule = Annotated[
    str, msgspec.Meta(min_length=1, max_length=recurrence.MAX_RULE_LENGTH, examples=["FREQ=WEEKLY;BYDAY=MO;COUNT=10"])
]
RecurrenceDates = Annotated[
    list[Annotated[str, msgspec.Meta(max_length=40)]],
    msgspec.Meta(
        max_length=recurrence.MAX_RECURRENCE_DATES,
        description="Original starts (ISO 8601 with an offset), or dates (2027-03-17) for an all-day series",
        examples=[["2027-03-22T09:00:00Z"]],
    ),
]
EventDate = Annotated[
    date,
    msgspec.Meta(
        description="An all-day event's first date, or the day after its last (end exclusive)",
        examples=["2027-03-17"],
    ),
]
EventTitle = Annotated[str, msgspec.Meta(min_length=1, max_length=event.MAX_TITLE_LENGTH)]
EventDescription = Annotated[str, msgspec.Meta(max_length=event.MAX_DESCRIPTION_LENGTH)]
EventLocation = Annotated[str, msgspec.Meta(max_length=event.MAX_LOCATION_LENGTH)]
Participants = Annotated[list[Email], msgspec.Meta(max_length=event.MAX_PARTICIPANTS)]
ReminderMinutes = Annotated[int, msgspec.Meta(ge=0, le=MAX_REMINDER_MINUTES)]
Reminders = Annotated[list[ReminderMinutes], msgspec.Meta(max_length=MAX_REMINDERS)]
