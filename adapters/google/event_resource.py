"""Google Calendar event resources read in planner's terms: times, all-day dates, series, exceptions, guests.

A series' `recurrence` lines (RRULE, EXDATE, RDATE, as in RFC 5545) are read with `icalendar`, in the
zone of the series' start: a time without a zone of its own is a wall-clock time there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from icalendar import Event as IcalEvent
from icalendar import vRecur

from adapters.ics.zones import in_zone, zone_name
from domain.errors import InvalidInput
from domain.google_sync.model import AttendeeResponse, RemoteAttendee, RemoteEvent
from domain.scheduling.event import Event
from domain.scheduling.occurrence import Occurrence, date_recurrence_id, local_dates
from domain.scheduling.recurrence import Recurrence, RecurrenceDate, check_first_occurrence
from domain.scheduling.time_range import TimeRange

log = structlog.get_logger(__name__)

PLANNER_ID_PROPERTY = "planner_event_id"
"""The private extended property planner puts on the Google events it writes: the planner event's id."""
UNSPECIFIED_END_LENGTH = timedelta(hours=1)
"""How long an event shows whose end Google says is unspecified (`endTimeUnspecified`): a usual meeting."""
MAX_ATTENDEES = 200


def remote_event(item: dict[str, Any], calendar_zone: str) -> RemoteEvent:
    """An events.list item in planner's terms; all-day events span whole days in their calendar's zone."""
    occurrence_of = _occurrence_of(item)
    if item.get("status") == "cancelled":
        return RemoteEvent(id=item["id"], cancelled=True, updated=_updated(item), **occurrence_of)
    start, end = item.get("start") or {}, item.get("end") or {}
    zone_key = start.get("timeZone") or calendar_zone
    zone = _zone(zone_key)
    all_day = bool(start.get("date"))
    if all_day:
        first = date.fromisoformat(start["date"])
        end_day = date.fromisoformat(end["date"]) if end.get("date") else first + timedelta(days=1)
        starts_at = datetime.combine(first, time(), zone).astimezone(UTC)
        ends_at = datetime.combine(max(end_day, first + timedelta(days=1)), time(), zone).astimezone(UTC)
    elif start.get("dateTime"):
        starts_at = _instant(start["dateTime"], zone)
        ends_at = _instant(end.get("dateTime") or start["dateTime"], zone)
        if item.get("endTimeUnspecified"):
            ends_at = starts_at + UNSPECIFIED_END_LENGTH
    else:
        return RemoteEvent(id=item["id"], cancelled=True, updated=_updated(item), **occurrence_of)
    timezone = zone_key if zone.key == zone_key else "UTC"
    return RemoteEvent(
        id=item["id"],
        cancelled=False,
        title=item.get("summary") or "",
        description=item.get("description") or "",
        location=item.get("location") or "",
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        timezone=timezone,
        recurrence=_recurrence(item, starts_at, all_day=all_day, timezone=timezone),
        attendees=_attendees(item),
        updated=_updated(item),
        planner_event_id=planner_event_id(item),
        **occurrence_of,
    )


def planner_event_id(item: dict[str, Any]) -> UUID | None:
    """The planner event a Google event was written from, read from planner's private extended property."""
    private = (item.get("extendedProperties") or {}).get("private") or {}
    try:
        return UUID(private[PLANNER_ID_PROPERTY])
    except (KeyError, ValueError, TypeError):
        return None


def _occurrence_of(item: dict[str, Any]) -> dict[str, Any]:
    """`series_id` and `recurrence_id` of an exception (one occurrence Google keeps apart); empty otherwise."""
    series_id, original = item.get("recurringEventId"), item.get("originalStartTime") or {}
    if not series_id or not original:
        return {}
    if original.get("date"):
        recurrence_id = date_recurrence_id(date.fromisoformat(original["date"]))
    elif original.get("dateTime"):
        recurrence_id = _instant(original["dateTime"], _zone(original.get("timeZone") or "UTC"))
    else:
        return {}
    return {"series_id": series_id, "recurrence_id": recurrence_id}


def _recurrence(item: dict[str, Any], starts_at: datetime, *, all_day: bool, timezone: str) -> Recurrence | None:
    """The series' RRULE, EXDATEs and RDATEs; None for a single event, or a rule planner cannot repeat (logged)."""
    lines = [str(line) for line in item.get("recurrence") or () if str(line).strip()]
    if not lines:
        return None
    try:
        parsed = IcalEvent.from_ical("BEGIN:VEVENT\r\n" + "\r\n".join(lines) + "\r\nEND:VEVENT\r\n")
        if not isinstance(parsed, IcalEvent):
            raise InvalidInput("recurrence.rule", "the recurrence lines are not an event's")
        component = parsed
        rules = component.get("RRULE")
        if isinstance(rules, list):
            raise InvalidInput("recurrence.rule", "more than one RRULE is not supported")
        exdates = [
            _recurrence_date(value, starts_at, all_day=all_day, timezone=timezone) for value in component.exdates
        ]
        rdates = [
            _recurrence_date(start, starts_at, all_day=all_day, timezone=timezone) for start, _ in component.rdates
        ]
        rule = "FREQ=DAILY;COUNT=1" if rules is None else rules.to_ical().decode()
        recurrence = Recurrence.of(rule, exdates=exdates, rdates=rdates)
        zone = ZoneInfo(timezone)
        # A rule that cannot be expanded from the series' start (UNTIL of another kind) is refused here, not later.
        check_first_occurrence(recurrence, starts_at.astimezone(zone).date() if all_day else starts_at, zone)
        return recurrence
    except (InvalidInput, ValueError, TypeError, KeyError) as refused:
        # Shown as its first occurrence rather than not at all; the log says which rule.
        log.warning("google.recurrence_unsupported", google_event_id=item.get("id"), lines=lines, reason=str(refused))
        return None


def _recurrence_date(value: date | datetime, starts_at: datetime, *, all_day: bool, timezone: str) -> RecurrenceDate:
    """An EXDATE/RDATE as the series keeps it: a date for an all-day series, an aware time (UTC) otherwise."""
    if all_day:
        return value.date() if isinstance(value, datetime) else value
    if not isinstance(value, datetime):
        value = datetime.combine(value, starts_at.astimezone(ZoneInfo(timezone)).time())
    if value.tzinfo is None:
        return in_zone(value, timezone).astimezone(UTC)
    return in_zone(value, zone_name(value, None) or timezone).astimezone(UTC)


def _attendees(item: dict[str, Any]) -> tuple[RemoteAttendee, ...]:
    guests = []
    for attendee in (item.get("attendees") or ())[:MAX_ATTENDEES]:
        email = str(attendee.get("email") or "").strip()
        if not email or attendee.get("resource"):
            continue  # rooms booked in Google are not guests
        try:
            response = AttendeeResponse(attendee.get("responseStatus") or "needsAction")
        except ValueError:
            response = AttendeeResponse.NEEDS_ACTION
        guests.append(
            RemoteAttendee(
                email=email[:320],
                name=str(attendee.get("displayName") or "")[:200],
                response=response,
                organizer=bool(attendee.get("organizer")),
            )
        )
    return tuple(guests)


def _updated(item: dict[str, Any]) -> datetime | None:
    value = item.get("updated")
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _instant(value: str, zone: ZoneInfo) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def event_resource(event: Event, *, with_attendees: bool = False) -> dict[str, Any]:
    """The Google event resource of a planner event: its texts, times, recurrence lines and planner's mark.

    `with_attendees` adds its participants (not its organizer) as guests; without it the resource has no
    `attendees` at all, so a patch leaves the guests someone added in Google as they are.
    """
    guests = {"attendees": attendee_resources(event)} if with_attendees else {}
    return {
        "summary": event.title,
        "description": event.description,
        "location": event.location,
        **_times(event.time_range, all_day=event.all_day, timezone=event.timezone),
        "recurrence": recurrence_lines(event) if event.recurrence is not None else [],
        "status": "confirmed",
        "extendedProperties": {"private": {PLANNER_ID_PROPERTY: str(event.id)}},
        **guests,
    }


def attendee_resources(event: Event) -> list[dict[str, Any]]:
    """The event's participants as Google guests: email and name only.

    Their answers are not written: Google advises `needsAction` (its default) for new guests, as an
    answer set by the organizer can hide the event from some guests' calendars; each answers in Google.
    """
    return [
        {"email": p.email, **({"displayName": p.name} if p.name else {})}
        for p in event.participants[:MAX_ATTENDEES]
        if p.user_id != event.organizer_id
    ]


def occurrence_resource(occurrence: Occurrence) -> dict[str, Any]:
    """What one overridden occurrence changes, as a patch of its Google instance."""
    series = occurrence.series
    return {
        "summary": occurrence.title,
        "description": occurrence.description,
        "location": occurrence.location,
        **_times(occurrence.time_range, all_day=series.all_day, timezone=series.timezone),
    }


def instance_id(google_event_id: str, occurrence: Occurrence) -> str:
    """The id Google gives an occurrence of a series: the series' id and its original start (date if all-day)."""
    assert occurrence.recurrence_id is not None
    if occurrence.series.all_day:
        return f"{google_event_id}_{occurrence.recurrence_id.strftime('%Y%m%d')}"
    return f"{google_event_id}_{occurrence.recurrence_id.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def recurrence_lines(event: Event) -> list[str]:
    """RRULE, EXDATE and RDATE lines of a series as Google takes them (RFC 5545, unfolded), written by icalendar."""
    recurrence = event.recurrence
    assert recurrence is not None
    component = IcalEvent()
    component.add("rrule", vRecur.from_ical(_rule_text(event)))
    zone = ZoneInfo(event.timezone)
    if recurrence.exdates:
        component.add("exdate", [_written_date(d, event.all_day, zone) for d in recurrence.exdates])
    if recurrence.rdates:
        component.add("rdate", [_written_date(d, event.all_day, zone) for d in recurrence.rdates])
    return [str(line) for line in component.content_lines() if line.split(":")[0].split(";")[0] in _RECURRENCE_NAMES]


_RECURRENCE_NAMES = frozenset({"RRULE", "EXDATE", "RDATE"})


def _rule_text(event: Event) -> str:
    """The RRULE with UNTIL of DTSTART's kind: a date beside dates, a UTC time beside zoned times."""
    assert event.recurrence is not None
    until = event.recurrence.parts.get("UNTIL")
    if until is None:
        return event.recurrence.rule
    if event.all_day:
        return event.recurrence.with_parts(UNTIL=until[:8]).rule
    if len(until) == 8:
        last = datetime.strptime(until, "%Y%m%d").replace(tzinfo=ZoneInfo(event.timezone)) + timedelta(days=1)
        return event.recurrence.with_parts(
            UNTIL=(last - timedelta(seconds=1)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        ).rule
    return event.recurrence.rule


def _written_date(value: RecurrenceDate, all_day: bool, zone: ZoneInfo) -> date | datetime:
    if all_day:
        return value.date() if isinstance(value, datetime) else value
    assert isinstance(value, datetime)
    return value.astimezone(zone)


def _times(span: TimeRange, *, all_day: bool, timezone: str) -> dict[str, Any]:
    """Start and end; the other kind is null, so a patch turning a timed event all-day (or back) clears it."""
    if all_day:
        first, end = local_dates(span, timezone)
        return {
            "start": {"date": first.isoformat(), "dateTime": None, "timeZone": None},
            "end": {"date": end.isoformat(), "dateTime": None, "timeZone": None},
        }
    zone = ZoneInfo(timezone)
    return {
        "start": {"dateTime": span.starts_at.astimezone(zone).isoformat(), "timeZone": timezone, "date": None},
        "end": {"dateTime": span.ends_at.astimezone(zone).isoformat(), "timeZone": timezone, "date": None},
    }
