"""Occurrences in a window two ways: planner (reader, then its Event expands) and recurring-ical-events."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import icalendar
import recurring_ical_events

from application.scheduling.calendar_files import event_of
from domain.scheduling.calendar_file import CalendarFile, EventTimes
from tests.unit.scheduling.factories import NOW, a_user

Seen = tuple[str, str, str, str]
"""(summary, start, end, kind): timed starts/ends as UTC ISO strings, all-day ones as dates."""


def _seen(title: str, times: EventTimes) -> Seen:
    if times.all_day:
        return (title, str(times.start_date), str(times.end_date), "date")
    assert times.starts_at is not None
    assert times.ends_at is not None
    return (title, times.starts_at.astimezone(UTC).isoformat(), times.ends_at.astimezone(UTC).isoformat(), "time")


def _starts_in(seen: Seen, start: date, end: date) -> bool:
    first = date.fromisoformat(seen[1][:10])
    return start <= first < end


def planner_occurrences(calendar: CalendarFile, start: date, end: date) -> list[Seen]:
    """The file's occurrences as planner's events hold them (an import's Event, series expanded) on [start, end)."""
    owner = a_user(timezone="UTC")
    seen: list[Seen] = []
    for file_event in calendar.events:
        event = event_of(file_event, calendar_id=uuid4(), owner=owner, now=NOW)
        before = datetime.combine(end + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
        for occurrence in event.occurrences(before=before):
            if occurrence.start_date is not None and occurrence.end_date is not None:
                times = EventTimes.dates(occurrence.start_date, occurrence.end_date)
            else:
                times = EventTimes.timed(occurrence.starts_at, occurrence.ends_at)
            seen.append(_seen(occurrence.title, times))
    return sorted(s for s in seen if _starts_in(s, start, end))


def oracle_occurrences(data: bytes, start: date, end: date) -> list[Seen]:
    """What recurring-ical-events computes from the same bytes, occurrences starting on [start, end) (UTC dates)."""
    calendar = icalendar.Calendar.from_ical(data)
    seen = []
    for component in recurring_ical_events.of(calendar).between(start - timedelta(days=2), end + timedelta(days=2)):
        if component.name != "VEVENT" or str(component.get("STATUS", "")).upper() == "CANCELLED":
            continue  # the library yields cancelled occurrences too, marked by their STATUS
        title = str(component.get("SUMMARY", ""))
        first, last = component.start, component.end
        if isinstance(first, datetime):
            seen.append((title, first.astimezone(UTC).isoformat(), last.astimezone(UTC).isoformat(), "time"))
        else:
            seen.append((title, str(first), str(last), "date"))
    return sorted(s for s in seen if _starts_in(s, start, end))
