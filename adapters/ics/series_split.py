"""RANGE=THISANDFUTURE: an override that changes an occurrence and all after it splits the series there.

The old series ends before that occurrence (COUNT cut to what came before, else UNTIL just before
it); a new series starts with the override's times and texts and repeats by the same rule, shifted
as the override moved its first occurrence: later EXDATEs, RDATEs and overrides move with it.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.scheduling.calendar_file import CalendarFileEvent, CalendarFileOverride
from domain.scheduling.recurrence import Recurrence, RecurrenceDate


class Unimportable(Exception):
    """One VEVENT (or UID) that cannot be imported; the message says why."""


def split_series(
    series: CalendarFileEvent, following: list[tuple[datetime, CalendarFileOverride]]
) -> list[CalendarFileEvent]:
    """The series cut at each THISANDFUTURE override (sorted by recurrence id), oldest piece first."""
    pieces = [series]
    for recurrence_id, override in following:
        head = pieces.pop()
        pieces.extend(piece for piece in _split(head, recurrence_id, override) if piece is not None)
    return pieces


def _split(
    series: CalendarFileEvent, recurrence_id: datetime, override: CalendarFileOverride
) -> tuple[CalendarFileEvent | None, CalendarFileEvent | None]:
    recurrence = series.recurrence
    assert recurrence is not None
    if override.times.all_day != series.all_day:
        raise Unimportable("a THISANDFUTURE override cannot turn a timed series into an all-day one or back")
    produced = _rule_starts_before(series, recurrence_id)
    count = recurrence.count
    delta = _as_instant(override.times.first) - _as_instant(_original(series, recurrence_id))
    head = None
    if produced:
        ending = {"COUNT": str(produced)} if count is not None else {"UNTIL": _until_before(series, recurrence_id)}
        head_recurrence = Recurrence(
            recurrence.with_parts(**ending).rule,
            tuple(d for d in recurrence.exdates if _key(d) < recurrence_id),
            tuple(d for d in recurrence.rdates if _key(d) < recurrence_id),
        )
        head = replace(
            series,
            recurrence=head_recurrence,
            overrides=tuple(o for o in series.overrides if o.recurrence_id < recurrence_id),
        )
    tail = None
    left = None if count is None else count - produced
    if left is None or left > 0:
        moved = recurrence.on_weekday_of(
            _local(series, _original(series, recurrence_id)), _local(series, override.times.first)
        )
        if left is not None:
            moved = moved.with_parts(COUNT=str(left))
        elif "UNTIL" in moved.parts:
            moved = moved.with_parts(UNTIL=_until_shifted(series, moved.parts["UNTIL"], delta))
        tail_rule = moved.rule
        tail = replace(
            series,
            uid=f"{series.uid}#{recurrence_id.strftime('%Y%m%dT%H%M%SZ')}",
            title=override.title,
            description=override.description,
            location=override.location,
            times=override.times,
            sequence=max(series.sequence, override.sequence),
            recurrence=Recurrence(
                tail_rule,
                tuple(_shifted(d, delta) for d in recurrence.exdates if _key(d) > recurrence_id),
                tuple(_shifted(d, delta) for d in recurrence.rdates if _key(d) > recurrence_id),
            ),
            overrides=tuple(
                replace(o, recurrence_id=o.recurrence_id + delta)
                for o in series.overrides
                if o.recurrence_id > recurrence_id
            ),
        )
    return head, tail


def _rule_starts_before(series: CalendarFileEvent, recurrence_id: datetime) -> int:
    """How many starts the rule (DTSTART first, without EXDATE/RDATE) makes before the occurrence: COUNT counts them."""
    assert series.recurrence is not None
    rule = Recurrence(series.recurrence.rule)
    if series.times.start_date is not None:
        return len(rule.date_starts(series.times.start_date, before=recurrence_id.date()))
    assert series.times.starts_at is not None
    return len(rule.timed_starts(series.times.starts_at, ZoneInfo(series.timezone), before=recurrence_id))


def _until_before(series: CalendarFileEvent, recurrence_id: datetime) -> str:
    if series.all_day:
        return (recurrence_id.date() - timedelta(days=1)).strftime("%Y%m%d")
    return (recurrence_id - timedelta(seconds=1)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _original(series: CalendarFileEvent, recurrence_id: datetime) -> datetime | date:
    return recurrence_id.date() if series.all_day else recurrence_id


def _until_shifted(series: CalendarFileEvent, until: str, delta: timedelta) -> str:
    """The old series' UNTIL moved as its occurrences moved, so the new one ends with as many."""
    if len(until) == 8:
        day = date(int(until[:4]), int(until[4:6]), int(until[6:8]))
        return (day + timedelta(days=delta.days)).strftime("%Y%m%d")
    if until.endswith("Z"):
        moment = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    else:
        moment = datetime.strptime(until, "%Y%m%dT%H%M%S").replace(tzinfo=ZoneInfo(series.timezone))
    return (moment + delta).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(series: CalendarFileEvent, value: datetime | date) -> datetime | date:
    """A start as the series' wall clock reads it (its weekday is the one a weekly BYDAY names)."""
    return value.astimezone(ZoneInfo(series.timezone)) if isinstance(value, datetime) else value


def _as_instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _key(value: RecurrenceDate) -> datetime:
    return _as_instant(value)


def _shifted(value: RecurrenceDate, delta: timedelta) -> RecurrenceDate:
    if isinstance(value, datetime):
        return value + delta
    return value + timedelta(days=delta.days)
