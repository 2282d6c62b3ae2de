"""Calendars, who may see them and who may change them."""

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Self
from uuid import UUID

from domain.accounts.user import User
from domain.changes import UNSET, UnsetType
from domain.domain_events import Aggregate
from domain.errors import (
    InvalidInput,
    NotFound,
    OwnerCannotLeaveCalendar,
    PermissionDenied,
    PersonalCalendarCannotBeDeleted,
)
from domain.identity import new_id
from domain.scheduling.domain_events import (
    CalendarCreated,
    CalendarDeleted,
    CalendarShared,
    CalendarUnshared,
    CalendarUpdated,
    audience,
)
from domain.text import bounded_text, label

MAX_NAME_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 2_000
DEFAULT_COLOR = "#3b82f6"
MIRROR_DEFAULT_NAME = "Google calendar"
MIRROR_DESCRIPTION = "Mirrored from Google Calendar: read-only in planner, change its events in Google Calendar."
READ_ONLY_REASON = "this calendar mirrors Google Calendar: it is read-only in planner"
_HEX_DIGITS = frozenset("0123456789abcdef")


class CalendarRole(enum.StrEnum):
    """What a member may do: owners manage, editors write, viewers read."""

    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


def calendar_color(value: str, *, field: str = "color") -> str:
    """Return a color as lower-case '#rrggbb'."""
    color = value.strip().lower()
    if len(color) != 7 or not color.startswith("#") or not set(color[1:]) <= _HEX_DIGITS:
        raise InvalidInput(field, f"{field} must look like #3b82f6")
    return color


def _color_or_default(value: str | None) -> str:
    try:
        return calendar_color(value or "")
    except InvalidInput:
        return DEFAULT_COLOR


@dataclass(frozen=True, kw_only=True)
class CalendarMember:
    """A user's role on a calendar."""

    user_id: UUID
    email: str
    name: str
    role: CalendarRole


@dataclass(frozen=True, kw_only=True)
class CalendarChanges:
    """What a calendar's owner changes about it; UNSET fields stay as they are."""

    name: str | UnsetType = UNSET
    color: str | UnsetType = UNSET
    description: str | UnsetType = UNSET


@dataclass(kw_only=True, eq=False)
class Calendar(Aggregate):
    """A calendar; `owner_id` created it and always stays an owner, `members` includes them.

    A `read_only` calendar mirrors one kept elsewhere (Google Calendar): its members read it, nobody
    changes it or its events in planner, the mirroring alone does.
    """

    id: UUID
    name: str
    color: str = DEFAULT_COLOR
    description: str = ""
    owner_id: UUID
    is_personal: bool = False
    read_only: bool = False
    members: dict[UUID, CalendarMember] = field(default_factory=dict)
    created_at: datetime

    @classmethod
    def create(
        cls,
        *,
        owner: User,
        name: str,
        now: datetime,
        color: str = DEFAULT_COLOR,
        description: str = "",
        is_personal: bool = False,
    ) -> Self:
        """Create a calendar owned by `owner`."""
        calendar = cls(
            id=new_id(now),
            name=label(name, field="name", max_length=MAX_NAME_LENGTH),
            color=calendar_color(color),
            description=bounded_text(description, field="description", max_length=MAX_DESCRIPTION_LENGTH),
            owner_id=owner.id,
            is_personal=is_personal,
            members={owner.id: _member(owner, CalendarRole.OWNER)},
            created_at=now,
        )
        calendar.record(
            CalendarCreated(occurred_at=now, calendar_id=calendar.id, owner_id=owner.id, is_personal=is_personal)
        )
        return calendar

    @classmethod
    def personal_for(cls, owner: User, *, now: datetime) -> Self:
        """Create the personal calendar every user gets when they register."""
        return cls.create(owner=owner, name=owner.name, now=now, is_personal=True)

    @classmethod
    def mirror_of(cls, *, owner: User, name: str, color: str | None, now: datetime) -> Self:
        """Create the read-only calendar mirroring one of `owner`'s calendars elsewhere.

        What the other system calls it and its color are taken as they come: a blank name or an
        odd color is no reason to refuse the mirror, so they fall back to defaults.
        """
        calendar = cls(
            id=new_id(now),
            name=(name.strip() or MIRROR_DEFAULT_NAME)[:MAX_NAME_LENGTH],
            color=_color_or_default(color),
            description=MIRROR_DESCRIPTION,
            owner_id=owner.id,
            read_only=True,
            members={owner.id: _member(owner, CalendarRole.OWNER)},
            created_at=now,
        )
        calendar.record(CalendarCreated(occurred_at=now, calendar_id=calendar.id, owner_id=owner.id, is_personal=False))
        return calendar

    def role_of(self, user_id: UUID) -> CalendarRole | None:
        """Return the user's role, or None if they are not a member."""
        member = self.members.get(user_id)
        return None if member is None else member.role

    def can_read(self, user_id: UUID) -> bool:
        """Tell whether the user sees the calendar and all its events."""
        return user_id in self.members

    def can_write(self, user_id: UUID) -> bool:
        """Tell whether the user may add and change events in it; nobody may in a read-only calendar."""
        return not self.read_only and self.role_of(user_id) in (CalendarRole.OWNER, CalendarRole.EDITOR)

    def can_manage(self, user_id: UUID) -> bool:
        """Tell whether the user may rename, share or delete the calendar; nobody may a read-only one."""
        return not self.read_only and self.role_of(user_id) is CalendarRole.OWNER

    def ensure_readable_by(self, user_id: UUID) -> None:
        """Refuse with NotFound anyone who is not a member: they may not learn it exists."""
        if not self.can_read(user_id):
            raise NotFound("calendar", self.id)

    def ensure_manageable_by(self, user_id: UUID) -> None:
        """Refuse non-members with NotFound and non-owners with PermissionDenied."""
        self.ensure_readable_by(user_id)
        if not self.can_manage(user_id):
            raise PermissionDenied(READ_ONLY_REASON if self.read_only else "only the calendar's owners can do this")

    def change(self, changes: CalendarChanges, *, by_user_id: UUID, now: datetime) -> tuple[str, ...]:
        """Apply an owner's changes, all or none; return the names of the fields that changed."""
        self.ensure_manageable_by(by_user_id)
        name = self.name if changes.name is UNSET else label(changes.name, field="name", max_length=MAX_NAME_LENGTH)
        color = self.color if changes.color is UNSET else calendar_color(changes.color)
        description = (
            self.description
            if changes.description is UNSET
            else bounded_text(changes.description, field="description", max_length=MAX_DESCRIPTION_LENGTH)
        )
        changed = tuple(
            field_name
            for field_name, old, new in (
                ("name", self.name, name),
                ("color", self.color, color),
                ("description", self.description, description),
            )
            if old != new
        )
        if changed:
            self.name, self.color, self.description = name, color, description
            self.record(
                CalendarUpdated(
                    occurred_at=now,
                    affected_user_ids=audience(self.members, excluding=by_user_id),
                    calendar_id=self.id,
                    by_user_id=by_user_id,
                    changed_fields=changed,
                )
            )
        return changed

    def share(self, user: User, role: CalendarRole, *, by_user_id: UUID, now: datetime) -> None:
        """Give `user` a role on the calendar, or change the role they have."""
        self.ensure_manageable_by(by_user_id)
        if user.id == self.owner_id:
            raise OwnerCannotLeaveCalendar(self.id, user.id)
        if self.role_of(user.id) is role:
            return
        self.members[user.id] = _member(user, role)
        self.record(
            CalendarShared(
                occurred_at=now,
                affected_user_ids=audience([user.id], excluding=by_user_id),
                calendar_id=self.id,
                user_id=user.id,
                role=role.value,
                by_user_id=by_user_id,
            )
        )

    def unshare(self, user_id: UUID, *, by_user_id: UUID, now: datetime) -> None:
        """Take a member off the calendar; owners may remove anyone but the owner, members may leave."""
        self.ensure_readable_by(by_user_id)
        if user_id != by_user_id:
            self.ensure_manageable_by(by_user_id)
        if user_id == self.owner_id:
            raise OwnerCannotLeaveCalendar(self.id, user_id)
        if user_id not in self.members:
            raise NotFound("member", user_id)
        del self.members[user_id]
        self.record(
            CalendarUnshared(
                occurred_at=now,
                affected_user_ids=audience([user_id], excluding=by_user_id),
                calendar_id=self.id,
                user_id=user_id,
                by_user_id=by_user_id,
            )
        )

    def delete(self, *, by_user_id: UUID, now: datetime) -> None:
        """Record that an owner deletes the calendar; a personal calendar stays."""
        self.ensure_manageable_by(by_user_id)
        if self.is_personal:
            raise PersonalCalendarCannotBeDeleted(self.id)
        self.record(
            CalendarDeleted(
                occurred_at=now,
                affected_user_ids=audience(self.members, excluding=by_user_id),
                calendar_id=self.id,
                by_user_id=by_user_id,
            )
        )


def _member(user: User, role: CalendarRole) -> CalendarMember:
    return CalendarMember(user_id=user.id, email=user.email, name=user.name, role=role)
