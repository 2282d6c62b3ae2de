"""Reading iCalendar files with `icalendar` (and `x-wr-timezone` for Google's X-WR-TIMEZONE) into plain data.

Implements domain.scheduling.calendar_file.CalendarFileReader. Every VEVENT of one UID becomes one
series (or single event) with its overrides; a cancelled occurrence becomes an EXDATE; an override
with RANGE=THISANDFUTURE splits the series there. Whatever cannot be imported is listed with the
reason, never dropped silently.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import x_wr_timezone
from icalendar import Calendar, Event
from icalendar.error import GloballyUniqueTZIDGuessed

from adapters.ics.series_split import Unimportable, split_series
from adapters.ics.zones import UTC_NAME, as_date, in_zone, zone_name
from domain.errors import InvalidInput
from domain.scheduling.calendar_file import (
    CalendarFile,
    CalendarFileEvent,
    CalendarFileOverride,
    EventTimes,
    NotACalendarFile,
    SkippedItem,
    checked_calendar_file,
    recurrence_id_of,
)
from domain.scheduling.recurrence import Recurrence, RecurrenceDate, check_first_occurrence
from domain.scheduling.transparency import Transparency

UNTITLED = "(no title)"
NOT_EVENTS = {
    "VTODO": "a to-do (VTODO) is not an event: planner imports events only",
    "VJOURNAL": "a journal entry (VJOURNAL) is not an event: planner imports events only",
    "VFREEBUSY": "free/busy times (VFREEBUSY) are not events: planner imports events only",
    "VAVAILABILITY": "availability (VAVAILABILITY) is not an event: planner imports events only",
}
IGNORED = frozenset({"VTIMEZONE"})
"""Components read along the way: VTIMEZONE gives the zones of the events' times."""


@dataclass
class _Uid:
    masters: list[Event] = field(default_factory=list)
    overrides: list[Event] = field(default_factory=list)


class IcalendarReader:
    """The CalendarFileReader on `icalendar`."""

    def read(self, data: bytes) -> CalendarFile:
        calendars = _parse(data)
        by_uid: dict[str, _Uid] = defaultdict(_Uid)
        skipped: list[SkippedItem] = []
        name: str | None = None
        for calendar in calendars:
            name = name or _text(calendar.get("X-WR-CALNAME")) or _text(calendar.get("NAME")) or None
            for index, component in enumerate(calendar.subcomponents):
                uid = _text(component.get("UID")) or f"{component.name}#{index + 1}"
                if isinstance(component, Event):
                    group = by_uid[uid]
                    (group.overrides if component.get("RECURRENCE-ID") is not None else group.masters).append(component)
                elif component.name in NOT_EVENTS:
                    skipped.append(SkippedItem(uid, NOT_EVENTS[component.name]))
                elif component.name not in IGNORED:
                    skipped.append(SkippedItem(uid, f"a {component.name} component is not an event"))
        events: list[CalendarFileEvent] = []
        for uid, group in by_uid.items():
            try:
                events.extend(_series(uid, group, skipped))
            except Unimportable as refused:
                skipped.append(SkippedItem(uid, str(refused)))
            except (ValueError, TypeError, AttributeError, KeyError) as broken:
                # icalendar's refusal of a value it cannot make sense of: this UID is skipped, not the file.
                skipped.append(SkippedItem(uid, f"the event cannot be read: {broken}"))
        return CalendarFile(events=tuple(events), skipped=tuple(skipped), name=name)


def _parse(data: bytes) -> list[Calendar]:
    body = checked_calendar_file(data)
    try:
        with warnings.catch_warnings():
            # A vendor-prefixed TZID is read by its trailing IANA name, which is what planner does too (zones.py).
            warnings.simplefilter("ignore", GloballyUniqueTZIDGuessed)
            calendars = Calendar.from_ical(body, multiple=True)
    except (ValueError, KeyError, IndexError) as error:
        raise NotACalendarFile(f"the file is not valid iCalendar: {error}") from None
    if not calendars:
        raise NotACalendarFile("the file holds no complete VCALENDAR (is END:VCALENDAR missing?)")
    try:
        return [x_wr_timezone.to_standard(calendar) for calendar in calendars]
    except (ValueError, KeyError) as error:
        raise NotACalendarFile(f"the calendar's X-WR-TIMEZONE cannot be applied: {error}") from None


def _series(uid: str, group: _Uid, skipped: list[SkippedItem]) -> list[CalendarFileEvent]:
    """The events of one UID: its series (split by THISANDFUTURE overrides), or its lone occurrences."""
    if not group.masters:
        # Occurrences shared without their series (an invitation to one instance): each is an event of its own.
        events = []
        for number, component in enumerate(group.overrides, start=1):
            if _text(component.get("STATUS")).upper() == "CANCELLED":
                skipped.append(SkippedItem(uid, "a cancelled occurrence of a series the file does not hold"))
                continue
            try:
                events.append(_event(f"{uid}#{number}" if len(group.overrides) > 1 else uid, component))
            except (Unimportable, InvalidInput) as refused:
                skipped.append(SkippedItem(uid, _reason(refused)))
        return events
    master, *others = sorted(group.masters, key=_sequence, reverse=True)
    skipped.extend(SkippedItem(uid, "another VEVENT with this UID and no RECURRENCE-ID comes first") for _ in others)
    try:
        event = _event(uid, master)
    except InvalidInput as refused:
        raise Unimportable(_reason(refused)) from None
    if event.recurrence is None:
        skipped.extend(
            SkippedItem(uid, "an occurrence (RECURRENCE-ID) of an event that does not repeat") for _ in group.overrides
        )
        return [event]
    following: list[tuple[datetime, CalendarFileOverride]] = []
    overrides: list[CalendarFileOverride] = list(event.overrides)
    cancelled: list[RecurrenceDate] = []
    for component in sorted(group.overrides, key=lambda c: _sort_key(c.get("RECURRENCE-ID").dt)):
        try:
            original = _original_start(component, event)
            if _text(component.get("STATUS")).upper() == "CANCELLED":
                cancelled.append(original)
                continue
            override = _override(component, original, event)
        except (Unimportable, InvalidInput, ValueError, TypeError, AttributeError) as refused:
            skipped.append(SkippedItem(uid, f"an occurrence cannot be imported: {_reason(refused)}"))
            continue
        if str(component.get("RECURRENCE-ID").params.get("RANGE", "")).upper() == "THISANDFUTURE":
            following.append((override.recurrence_id, override))
        else:
            overrides.append(override)
    assert event.recurrence is not None
    try:
        recurrence = Recurrence.of(
            event.recurrence.rule,
            exdates=[*event.recurrence.exdates, *cancelled],
            rdates=[*event.recurrence.rdates, *_unknown_originals(event, overrides)],
        )
    except InvalidInput as refused:
        raise Unimportable(_reason(refused)) from None
    event = replace(event, recurrence=recurrence, overrides=tuple(overrides))
    return split_series(event, following)


def _event(uid: str, component: Event) -> CalendarFileEvent:
    """One VEVENT as a single event or a series without its overrides."""
    _refuse_broken(component)
    if _text(component.get("STATUS")).upper() == "CANCELLED" and component.get("RECURRENCE-ID") is None:
        raise Unimportable("the event is cancelled (STATUS:CANCELLED)")
    timezone, times = _times(component)
    recurrence = _recurrence(component, times, timezone)
    event = CalendarFileEvent(
        uid=uid,
        title=_text(component.get("SUMMARY")) or UNTITLED,
        description=_text(component.get("DESCRIPTION")),
        location=_text(component.get("LOCATION")),
        timezone=timezone,
        times=times,
        recurrence=recurrence,
        sequence=_sequence(component),
        transparency=_transparency(component),
    )
    if recurrence is None:
        return event
    return replace(event, overrides=_periods(component, event))


def _transparency(component: Event) -> Transparency | None:
    """TRANSP: TRANSPARENT leaves the time free, OPAQUE takes it; anything else says nothing."""
    value = _text(component.get("TRANSP")).upper()
    return {"TRANSPARENT": Transparency.FREE, "OPAQUE": Transparency.BUSY}.get(value)


def _periods(component: Event, series: CalendarFileEvent) -> tuple[CalendarFileOverride, ...]:
    """RDATE periods (start/end or start/duration) that last otherwise than the series: overrides of their own."""
    overrides = []
    for start, end in component.rdates:
        if end is None or not isinstance(start, datetime) or series.all_day:
            continue
        starts_at = _recurrence_date(start, series.times, series.timezone)
        assert isinstance(starts_at, datetime)
        if isinstance(end, datetime):  # start/end
            ends_at = in_zone(end, (end.tzinfo and zone_name(end, None)) or series.timezone)
        else:  # start/duration
            ends_at = starts_at.astimezone(UTC) + end
        if ends_at.astimezone(UTC) - starts_at.astimezone(UTC) == series.times.length:
            continue
        overrides.append(
            CalendarFileOverride(
                recurrence_id=recurrence_id_of(starts_at),
                title=series.title,
                description=series.description,
                location=series.location,
                times=EventTimes.timed(starts_at, ends_at),
                sequence=series.sequence,
            )
        )
    return tuple(overrides)


def _times(component: Event) -> tuple[str, EventTimes]:
    """The event's zone and times: DTSTART with DTEND, or DURATION, or RFC 5545's default length."""
    start_property = component.get("DTSTART")
    if start_property is None:
        raise Unimportable("the event has no start (DTSTART)")
    start = start_property.dt
    end = component.end if (component.get("DTEND") is not None or component.get("DURATION") is not None) else None
    if not isinstance(start, datetime):
        end_date = as_date(end) if end is not None else start + timedelta(days=1)
        if end_date <= start:
            end_date = start + timedelta(days=1)
        return UTC_NAME, EventTimes.dates(start, end_date)
    name = zone_name(start, start_property.params.get("TZID"))
    if name is None:
        raise Unimportable(f"the time zone {start_property.params.get('TZID')!r} has no IANA name planner could use")
    starts_at = in_zone(start, name)
    end_property = component.get("DTEND")
    if end is None:
        ends_at = starts_at  # RFC 5545: a DTSTART alone with a time takes no time
    elif end_property is None and isinstance(end, datetime):
        ends_at = _after(starts_at, end, start)
    elif isinstance(end, datetime):
        ends_at = in_zone(end, zone_name(end, end_property.params.get("TZID")) or name)
    else:
        raise Unimportable("DTSTART is a time but DTEND is a date")
    return name, EventTimes.timed(starts_at, ends_at)


def _after(starts_at: datetime, end: datetime, start: datetime) -> datetime:
    """DTSTART plus DURATION: days keep the wall clock, hours and minutes are elapsed time (RFC 5545, 3.3.6)."""
    duration = end - start
    days = timedelta(days=duration.days)
    return (starts_at + days).astimezone(UTC) + (duration - days)


def _recurrence(component: Event, times: EventTimes, timezone: str) -> Recurrence | None:
    rules = component.get("RRULE")
    if component.get("EXRULE") is not None:
        raise Unimportable("EXRULE is not supported (RFC 5545 deprecated it): give EXDATEs instead")
    if isinstance(rules, list):
        raise Unimportable("more than one RRULE in one event is not supported")
    exdates = [_recurrence_date(value, times, timezone) for value in component.exdates]
    rdates = [_recurrence_date(start, times, timezone) for start, _end in component.rdates]
    if rules is None:
        if not rdates:
            return None
        rule = "FREQ=DAILY;COUNT=1"  # the RDATEs alone make the series, DTSTART counting first
    else:
        rule = rules.to_ical().decode()
    try:
        recurrence = Recurrence.of(rule, exdates=exdates, rdates=rdates)
        check_first_occurrence(recurrence, times.first, ZoneInfo(timezone))
    except InvalidInput as refused:
        raise Unimportable(f"the rule {rule!r} is not supported: {refused.detail}") from None
    return recurrence


def _recurrence_date(value: date | datetime, times: EventTimes, timezone: str) -> RecurrenceDate:
    """An EXDATE/RDATE as the series keeps it: a date for an all-day series, an aware time otherwise."""
    if times.all_day:
        return as_date(value)
    if isinstance(value, datetime):
        return in_zone(value, zone_name(value, None) or timezone) if value.tzinfo else in_zone(value, timezone)
    assert times.starts_at is not None
    return in_zone(datetime.combine(value, times.starts_at.astimezone(ZoneInfo(timezone)).time()), timezone)


def _original_start(component: Event, series: CalendarFileEvent) -> RecurrenceDate:
    value = component.get("RECURRENCE-ID")
    return _recurrence_date(value.dt, series.times, series.timezone)


def _override(component: Event, original: RecurrenceDate, series: CalendarFileEvent) -> CalendarFileOverride:
    _refuse_broken(component)
    if component.get("DTSTART") is None:
        times = _moved(series.times, original)
    else:
        _zone_name, times = _times(component)
    return CalendarFileOverride(
        recurrence_id=recurrence_id_of(original),
        title=_text(component.get("SUMMARY")) or series.title,
        description=_text(component.get("DESCRIPTION")) if "DESCRIPTION" in component else series.description,
        location=_text(component.get("LOCATION")) if "LOCATION" in component else series.location,
        times=times,
        sequence=_sequence(component),
    )


def _moved(times: EventTimes, original: RecurrenceDate) -> EventTimes:
    """The series' times at one of its original starts (an override that gives no DTSTART of its own)."""
    if isinstance(original, datetime):
        return EventTimes.timed(original, original + times.length)
    return EventTimes.dates(original, original + times.length)


def _unknown_originals(series: CalendarFileEvent, overrides: list[CalendarFileOverride]) -> list[RecurrenceDate]:
    """Recurrence ids the rule does not produce: they become RDATEs, so their override still shows."""
    assert series.recurrence is not None
    recurrence, zone = series.recurrence, ZoneInfo(series.timezone)
    extra: list[RecurrenceDate] = []
    for override in overrides:
        rid = override.recurrence_id
        if series.all_day:
            assert series.times.start_date is not None
            day = rid.date()
            if day not in recurrence.date_starts(series.times.start_date, before=day + timedelta(days=1)):
                extra.append(day)
        else:
            assert series.times.starts_at is not None
            if rid not in recurrence.timed_starts(series.times.starts_at, zone, before=rid + timedelta(seconds=1)):
                extra.append(rid)
    return extra


def _refuse_broken(component: Event) -> None:
    errors: list[tuple[str, str]] = list(getattr(component, "errors", []))
    if errors:
        name, message = errors[0]
        raise Unimportable(f"{name} cannot be read: {message}")


def _sequence(component: Event) -> int:
    try:
        return int(component.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        return 0


def _sort_key(value: date | datetime) -> str:
    return value.isoformat()


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _reason(refused: Exception) -> str:
    return refused.detail if isinstance(refused, InvalidInput) else str(refused)
