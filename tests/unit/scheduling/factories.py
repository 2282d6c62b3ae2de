"""Builders of domain objects for tests: sensible defaults, override only what the test is about."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.accounts.user import User
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event, NewEvent
from domain.scheduling.participant import Invitee
from domain.scheduling.room import Room
from domain.scheduling.time_range import TimeRange

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)
NOW = MONDAY + timedelta(hours=7)
_numbers = itertools.count(1)


def at(hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """Return a UTC time in the week of MONDAY: `day` days after it, at hour:minute."""
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def slot(start_hour: int, end_hour: int, *, day: int = 0) -> TimeRange:
    """Return a span between two whole hours on a day of that week."""
    return TimeRange(at(start_hour, day=day), at(end_hour, day=day))


def a_user(**overrides: Any) -> User:
    """Return a registered user with a unique email."""
    number = next(_numbers)
    fields: dict[str, Any] = {
        "email": f"person{number}@example.com",
        "name": f"Person {number}",
        "password_hash": "hash",
        "now": NOW,
    }
    return User.register(**(fields | overrides))


def an_invitee(user: User) -> Invitee:
    """Return the invitation details of `user`."""
    return Invitee(user_id=user.id, email=user.email, name=user.name)


def a_calendar(owner: User | None = None, **overrides: Any) -> Calendar:
    """Return a (not personal) calendar owned by `owner` or by a new user, with no events recorded."""
    fields: dict[str, Any] = {"owner": owner or a_user(), "name": f"Team {next(_numbers)}", "now": NOW}
    calendar = Calendar.create(**(fields | overrides))
    calendar.pull_events()
    return calendar


def an_event(calendar: Calendar | None = None, organizer: User | None = None, **overrides: Any) -> Event:
    """Return a confirmed one-hour event on Monday at 10:00 UTC, with no events recorded."""
    organizer = organizer or a_user()
    calendar = calendar or a_calendar(organizer)
    fields: dict[str, Any] = {"title": "Planning", "starts_at": at(10), "ends_at": at(11)}
    event = Event.create(NewEvent(**(fields | overrides)), calendar_id=calendar.id, organizer=organizer, now=NOW)
    event.pull_events()
    return event


def a_room(**overrides: Any) -> Room:
    """Return a room for six people."""
    fields: dict[str, Any] = {"name": f"Room {next(_numbers)}", "capacity": 6, "now": NOW}
    return Room.create(**(fields | overrides))
