"""Field types shared by the schemas: bounded strings, aware datetimes, emails."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

Email = Annotated[
    str, msgspec.Meta(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$", examples=["ada@example.com"])
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=1024)]
TimeZoneName = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Europe/Berlin"])]
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True, examples=["2026-11-23T10:00:00+01:00"])]
Color = Annotated[str, msgspec.Meta(pattern=r"^#[0-9a-fA-F]{6}$", examples=["#3b82f6"])]
Description = Annotated[str, msgspec.Meta(max_length=10_000)]
Location = Annotated[str, msgspec.Meta(max_length=500)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ReminderMinutes = Annotated[int, msgspec.Meta(ge=0, le=40_320)]


class Count(msgspec.Struct):
    count: int
