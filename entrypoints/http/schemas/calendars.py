"""Calendars and their members."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from domain.scheduling.calendar import Calendar as DomainCalendar
from entrypoints.http.schemas.common import Color, Description, Email, Name

Role = Literal["owner", "editor", "viewer"]


class Member(msgspec.Struct):
    user_id: UUID
    email: str
    name: str
    role: str


class Calendar(msgspec.Struct):
    id: UUID
    name: str
    color: str
    description: str
    owner_id: UUID
    is_personal: bool
    read_only: bool
    """A calendar mirrored from Google: nobody changes it or its events in planner."""
    members: list[Member]
    created_at: datetime

    @classmethod
    def of(cls, calendar: DomainCalendar) -> Calendar:
        return cls(
            id=calendar.id,
            name=calendar.name,
            color=calendar.color,
            description=calendar.description,
            owner_id=calendar.owner_id,
            is_personal=calendar.is_personal,
            read_only=calendar.read_only,
            members=[
                Member(user_id=m.user_id, email=m.email, name=m.name, role=m.role.value)
                for m in calendar.members.values()
            ],
            created_at=calendar.created_at,
        )


class CalendarList(msgspec.Struct):
    items: list[Calendar]


class CalendarCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    color: Color = "#3b82f6"
    description: Description = ""


class CalendarUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    color: Color | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET


class MemberAdd(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    role: Role
