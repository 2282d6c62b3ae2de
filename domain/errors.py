"""The domain's own exceptions; entrypoints map each family to one HTTP status in one place.

Families and their intended statuses: NotFound 404, PermissionDenied 403, InvalidInput 422,
Conflict (and its subclasses) 409, StaleVersion 412, InvalidCredentials 401.
"""

from datetime import datetime
from typing import ClassVar
from uuid import UUID


class DomainError(Exception):
    """A request the domain refuses; `detail` is a sentence fit for a problem body."""

    code: ClassVar[str] = "domain_error"
    title: ClassVar[str] = "Request refused"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The resource does not exist, or the caller may not know that it exists."""

    code = "not_found"
    title = "Not found"

    def __init__(self, resource: str, resource_id: UUID | str | None = None) -> None:
        super().__init__(f"{resource} not found")
        self.resource = resource
        self.resource_id = None if resource_id is None else str(resource_id)


class PermissionDenied(DomainError):
    """The caller can see the resource but may not do this to it."""

    code = "permission_denied"
    title = "Permission denied"


class InvalidInput(DomainError):
    """One field of the request breaks a rule; `field` names it as the client sent it."""

    code = "invalid_input"
    title = "Invalid input"

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


class InvalidCredentials(DomainError):
    """The email and password do not match an account."""

    code = "invalid_credentials"
    title = "Invalid credentials"

    def __init__(self) -> None:
        super().__init__("email or password is incorrect")


class StaleVersion(DomainError):
    """The client edited an older version of the resource than the one stored.

    A version is a number (an event's) or a revision text (one occurrence of a series').
    """

    code = "stale_version"
    title = "Precondition failed"

    def __init__(self, expected: int | str, actual: int | str) -> None:
        super().__init__(f"the resource is at version {actual}, not {expected}")
        self.expected = expected
        self.actual = actual


class Conflict(DomainError):
    """The request clashes with the current state of things."""

    code = "conflict"
    title = "Conflict"


class RoomAlreadyBooked(Conflict):
    """The room is taken for (part of) the requested slot.

    `starts_at`/`ends_at` are the slot of the booking in the way when known, else the requested slot.
    """

    code = "room_already_booked"
    title = "Room already booked"

    def __init__(
        self,
        room_id: UUID,
        starts_at: datetime,
        ends_at: datetime,
        conflicting_event_id: UUID | None = None,
        *,
        more_conflicts: int = 0,
    ) -> None:
        detail = f"the room is already booked between {starts_at.isoformat()} and {ends_at.isoformat()}"
        if more_conflicts:
            detail += f", and {more_conflicts} more occurrence{'s' if more_conflicts > 1 else ''} of the series clash"
        super().__init__(detail)
        self.room_id = room_id
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.conflicting_event_id = conflicting_event_id
        self.more_conflicts = more_conflicts


class EmailAlreadyRegistered(Conflict):
    """Someone already signed up with this email."""

    code = "email_already_registered"
    title = "Email already registered"

    def __init__(self, email: str) -> None:
        super().__init__("an account with this email already exists")
        self.email = email


class EventIsCancelled(Conflict):
    """A cancelled event cannot be changed or answered any more."""

    code = "event_cancelled"
    title = "Event is cancelled"

    def __init__(self, event_id: UUID) -> None:
        super().__init__("the event is cancelled")
        self.event_id = event_id


class PersonalCalendarCannotBeDeleted(Conflict):
    """Everyone keeps their personal calendar."""

    code = "personal_calendar"
    title = "Personal calendar cannot be deleted"

    def __init__(self, calendar_id: UUID) -> None:
        super().__init__("a personal calendar cannot be deleted")
        self.calendar_id = calendar_id


class OwnerCannotLeaveCalendar(Conflict):
    """The calendar's owner can be neither removed nor demoted."""

    code = "owner_cannot_leave"
    title = "Calendar owner cannot leave"

    def __init__(self, calendar_id: UUID, user_id: UUID) -> None:
        super().__init__("the calendar's owner keeps the owner role")
        self.calendar_id = calendar_id
        self.user_id = user_id


class RegistrationClosed(PermissionDenied):
    """Joining takes an invitation (or an email of an admitted domain) here."""

    code = "registration_closed"
    title = "Registration closed"

    def __init__(self) -> None:
        super().__init__("joining this planner takes an invitation from an administrator")


class InvalidInvitation(PermissionDenied):
    """The invitation is unknown, used, expired, or made for another email address."""

    code = "invalid_invitation"
    title = "Invalid invitation"

    def __init__(self) -> None:
        super().__init__("this invitation is unknown, used, expired, or for another email address")
