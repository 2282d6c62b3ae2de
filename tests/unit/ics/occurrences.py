"""Occurrences in a window, computed two ways: planner's reading and domain Recurrence, and recurring-ical-events."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from domain.scheduling.calendar_file import CalendarFile, CalendarFileEvent, EventTimes, recurrence_id_of

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
    """The file's occurrences expanded by domain Recurrence that start on [start, end) (UTC dates)."""
    seen: list[Seen] = []
    for event in calendar.events:
        seen.extend(_expand(event, end + timedelta(days=2)))
    return sorted(s for s in seen if _starts_in(s, start, end))


def _expand(event: CalendarFileEvent, before: date) -> list[Seen]:
    if event.recurrence is None:
        return [_seen(event.title, event.times)]
    overrides = {o.recurrence_id: o for o in event.overrides}
    seen = []
    if event.times.all_day:
        assert event.times.start_date is not None
        originals: list[datetime | date] = list(event.recurrence.date_starts(event.times.start_date, before=before))
    else:
        assert event.times.starts_at is not None
        limit = datetime.combine(before, datetime.min.time(), tzinfo=UTC)
        originals = list(event.recurrence.timed_starts(event.times.starts_at, ZoneInfo(event.timezone), before=limit))
    for original in originals:
        override = overrides.get(recurrence_id_of(original))
        if override is not None:
            seen.append(_seen(override.title, override.times))
        elif isinstance(original, datetime):
            seen.append(_seen(event.title, EventTimes.timed(original, original + event.times.length)))
        else:
            seen.append(_seen(event.title, EventTimes.dates(original, original + event.times.length)))
    return seen


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
