"""Writing planner's events as one iCalendar file with `icalendar`: VTIMEZONE, RRULE, EXDATE, RDATE, overrides.

Implements domain.scheduling.calendar_file.CalendarFileWriter. A timed event is written in its own
zone (DTSTART;TZID=...) with that zone's VTIMEZONE, so a subscriber's client keeps a series at its
wall-clock time across clock changes; an all-day event is written as dates (VALUE=DATE). Each
override is a VEVENT of the same UID with RECURRENCE-ID. The UID is planner's event id, SEQUENCE
its version.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vRecur

from domain.scheduling.calendar_file import CalendarFileEvent, CalendarFileOverride, CalendarFilePerson, EventTimes
from domain.scheduling.recurrence import Recurrence, RecurrenceDate
from domain.scheduling.transparency import Transparency

PRODUCT_ID = "-//planner//planner calendar//EN"


class IcalendarWriter:
    """The CalendarFileWriter on `icalendar`."""

    def write(self, events: list[CalendarFileEvent], *, name: str | None = None, method: str | None = None) -> bytes:
        calendar = Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        if method:
            calendar.add("method", method)
        if name:
            calendar.add("x-wr-calname", name)
        for event in events:
            calendar.add_component(_series(event))
            for override in event.overrides:
                calendar.add_component(_override(event, override))
        _add_timezones(calendar)
        written: bytes = calendar.to_ical()
        return written


def _add_timezones(calendar: Calendar) -> None:
    """The VTIMEZONE of every zone the calendar names, first (what add_missing_timezones does, from a cache)."""
    for position, tzid in enumerate(sorted(calendar.get_missing_tzids())):
        zone = _vtimezone(tzid)
        if zone is not None:
            calendar.subcomponents.insert(position, zone)


@functools.lru_cache(maxsize=128)
def _vtimezone(tzid: str) -> Timezone | None:
    # Building a VTIMEZONE walks the zone's transitions: half the cost of writing an invitation. The
    # component is only ever read after it is built, so one per zone serves every file of the process.
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:
        return None  # a zone icalendar does not know is left without VTIMEZONE, as add_missing_timezones does


def _series(event: CalendarFileEvent) -> Event:
    component = _texts(
        event.uid, event.title, event.description, event.location, sequence=event.sequence, stamp=event.stamp
    )
    _add_times(component, event.times, event.timezone)
    if event.cancelled:
        component.add("status", "CANCELLED")
    if event.transparency is not None:
        component.add("transp", "TRANSPARENT" if event.transparency is Transparency.FREE else "OPAQUE")
    if event.recurrence_id is not None:
        _add_recurrence_id(component, event.recurrence_id, event)
    elif event.recurrence is not None:
        _add_recurrence(component, event)
    _add_people(component, event)
    return component


def _override(series: CalendarFileEvent, override: CalendarFileOverride) -> Event:
    component = _texts(
        series.uid,
        override.title,
        override.description,
        override.location,
        sequence=override.sequence,
        stamp=series.stamp,
    )
    _add_recurrence_id(component, override.recurrence_id, series)
    _add_times(component, override.times, series.timezone)
    return component


def _add_recurrence_id(component: Event, recurrence_id: datetime, series: CalendarFileEvent) -> None:
    if series.all_day:
        component.add("recurrence-id", recurrence_id.date())
    else:
        component.add("recurrence-id", recurrence_id.astimezone(ZoneInfo(series.timezone)))


def _texts(uid: str, title: str, description: str, location: str, *, sequence: int, stamp: datetime | None) -> Event:
    component = Event()
    component.add("uid", uid)
    component.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    component.add("sequence", sequence)
    component.add("summary", title)
    if description:
        component.add("description", description)
    if location:
        component.add("location", location)
    return component


def _add_people(component: Event, event: CalendarFileEvent) -> None:
    if event.organizer is not None:
        component.add("organizer", _address(event.organizer))
    for attendee in event.attendees:
        component.add("attendee", _address(attendee, answer=attendee.answer or "NEEDS-ACTION"))


def _address(person: CalendarFilePerson, *, answer: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name
    if answer is not None:
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = answer
        address.params["RSVP"] = "TRUE" if answer == "NEEDS-ACTION" else "FALSE"
    return address


def _add_times(component: Event, times: EventTimes, timezone: str) -> None:
    if times.all_day:
        component.add("dtstart", times.start_date)
        component.add("dtend", times.end_date)
        return
    assert times.starts_at is not None
    assert times.ends_at is not None
    zone = ZoneInfo(timezone)
    component.add("dtstart", _local(times.starts_at, zone))
    component.add("dtend", _local(times.ends_at, zone))


def _add_recurrence(component: Event, event: CalendarFileEvent) -> None:
    recurrence = event.recurrence
    assert recurrence is not None
    component.add("rrule", vRecur.from_ical(_rule_text(recurrence, event)))
    zone = ZoneInfo(event.timezone)
    if recurrence.exdates:
        component.add("exdate", [_recurrence_date(d, event.all_day, zone) for d in recurrence.exdates])
    if recurrence.rdates:
        component.add("rdate", [_recurrence_date(d, event.all_day, zone) for d in recurrence.rdates])


def _rule_text(recurrence: Recurrence, event: CalendarFileEvent) -> str:
    """The RRULE with UNTIL of DTSTART's kind (RFC 5545): a date beside dates, a UTC time beside zoned times."""
    until = recurrence.parts.get("UNTIL")
    if until is None:
        return recurrence.rule
    if event.all_day:
        return recurrence.with_parts(UNTIL=until[:8]).rule
    if len(until) == 8:
        # A date-only UNTIL beside a time includes that whole day in the series' zone.
        last = datetime.strptime(until, "%Y%m%d").replace(tzinfo=ZoneInfo(event.timezone)) + timedelta(days=1)
        return recurrence.with_parts(
            UNTIL=(last - timedelta(seconds=1)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        ).rule
    if not until.endswith("Z"):
        local = datetime.strptime(until, "%Y%m%dT%H%M%S").replace(tzinfo=ZoneInfo(event.timezone))
        return recurrence.with_parts(UNTIL=local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")).rule
    return recurrence.rule


def _recurrence_date(value: RecurrenceDate, all_day: bool, zone: ZoneInfo) -> datetime | date:
    if all_day:
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, datetime):
        return _local(value, zone)
    return value


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    """The time in the event's zone; UTC stays UTC (written with Z, no VTIMEZONE needed)."""
    if zone.key == "UTC":
        return value.astimezone(UTC)
    return value.astimezone(zone)


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
