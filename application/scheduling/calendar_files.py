"""planner's events as the plain data of iCalendar files (domain.scheduling.calendar_file), and back."""

from __future__ import annotations

from datetime import datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.accounts.user import User
from domain.errors import NotFound
from domain.scheduling.calendar_file import CalendarFileEvent, CalendarFileOverride, EventTimes
from domain.scheduling.event import Event, EventChanges, NewEvent
from domain.scheduling.occurrence import Occurrence


def file_event_of(event: Event) -> CalendarFileEvent:
    """The event (a series with the overrides that change what a calendar shows) as a file writes it."""
    overrides = []
    if event.recurrence is not None:
        for recurrence_id, override in sorted(event.overrides.items()):
            if not override.changes_anything_shown:
                continue  # only answers differ: the file shows the occurrence as its series does
            try:
                occurrence = event.occurrence(recurrence_id)
            except NotFound:
                continue  # an override left on a date the series no longer has
            overrides.append(
                CalendarFileOverride(
                    recurrence_id=recurrence_id,
                    title=occurrence.title,
                    description=occurrence.description,
                    location=occurrence.location,
                    times=_times_of(occurrence),
                    sequence=event.version,
                )
            )
    return CalendarFileEvent(
        uid=str(event.id),
        title=event.title,
        description=event.description,
        location=event.location,
        timezone=event.timezone,
        times=_event_times(event),
        recurrence=event.recurrence,
        overrides=tuple(overrides),
        sequence=event.version,
        stamp=event.updated_at,
        cancelled=event.is_cancelled,
        transparency=event.transparency,
    )


def event_of(file_event: CalendarFileEvent, *, calendar_id: UUID, owner: User, now: datetime) -> Event:
    """The planner event (a series with its overrides) of one event of the file, checked by the domain."""
    times = file_event.times
    new = NewEvent(
        title=file_event.title,
        description=file_event.description,
        location=file_event.location,
        timezone=None if times.all_day else file_event.timezone,
        reminders=(),
        recurrence=file_event.recurrence,
        all_day=times.all_day,
        starts_at=times.starts_at,
        ends_at=times.ends_at,
        start_date=times.start_date,
        end_date=times.end_date,
        transparency=file_event.transparency,
    )
    event = Event.create(new, calendar_id=calendar_id, organizer=owner, now=now)
    for override in file_event.overrides:
        starts_at, ends_at = _instants(override.times, event.timezone)
        changes = EventChanges(
            title=override.title,
            description=override.description,
            location=override.location,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        event.update_occurrence(override.recurrence_id, changes, by_user_id=owner.id, now=now)
    return event


def _instants(times: EventTimes, timezone: str) -> tuple[datetime, datetime]:
    if times.start_date is not None and times.end_date is not None:
        zone = ZoneInfo(timezone)
        return datetime.combine(times.start_date, time(0), zone), datetime.combine(times.end_date, time(0), zone)
    assert times.starts_at is not None
    assert times.ends_at is not None
    return times.starts_at, times.ends_at


def _event_times(event: Event) -> EventTimes:
    if event.all_day and event.start_date is not None and event.end_date is not None:
        return EventTimes.dates(event.start_date, event.end_date)
    return EventTimes.timed(event.starts_at, event.ends_at)


def _times_of(occurrence: Occurrence) -> EventTimes:
    if occurrence.start_date is not None and occurrence.end_date is not None:
        return EventTimes.dates(occurrence.start_date, occurrence.end_date)
    return EventTimes.timed(occurrence.starts_at, occurrence.ends_at)
