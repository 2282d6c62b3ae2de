"""Calendars and their members."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from domain.scheduling.calendar import DEFAULT_COLOR, CalendarChanges, CalendarRole
from domain.scheduling.calendar import Calendar as DomainCalendar
from entrypoints.http.schemas.fields import CalendarDescription, CalendarName, Color, Email
from entrypoints.http.unset import unset_to_domain

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
    name: CalendarName
    color: Color = DEFAULT_COLOR
    description: CalendarDescription = ""


class CalendarUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: CalendarName | msgspec.UnsetType = msgspec.UNSET
    color: Color | msgspec.UnsetType = msgspec.UNSET
    description: CalendarDescription | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> CalendarChanges:
        return CalendarChanges(
            name=unset_to_domain(self.name),
            color=unset_to_domain(self.color),
            description=unset_to_domain(self.description),
        )


class MemberAdd(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    role: Role

    def calendar_role(self) -> CalendarRole:
        return CalendarRole(self.role)
