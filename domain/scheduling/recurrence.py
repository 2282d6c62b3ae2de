"""Recurrence rules (RFC 5545 RRULE, EXDATE, RDATE), read in the event's time zone and expanded by dateutil.

A series keeps its wall-clock time in its IANA zone: a weekly 10:00 Europe/Berlin meeting is at 10:00
Berlin time on both sides of a clock change. DTSTART always counts as the first occurrence, and
towards COUNT, even when the rule would not produce it (RFC 5545, 3.3.10). An all-day series repeats
dates, not instants.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Self
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from domain.errors import InvalidInput

MAX_RULE_LENGTH = 500
MAX_RECURRENCE_DATES = 1_000
MAX_COUNT = 5_000
MAX_INTERVAL = 1_000
MAX_WEEKS_IN_MONTH = 5
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
RULE_FIELD = "recurrence.rule"

_BYDAY = re.compile(r"^([+-]?)(\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^(\d{8})(T(\d{6})(Z?))?$")
_INTEGER_PARTS: dict[str, tuple[int, int, bool]] = {
    # name: (lowest absolute value, highest, whether negative values count from the end)
    "BYMONTHDAY": (1, 31, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
}

RecurrenceDate = datetime | date
"""An EXDATE/RDATE: the original start of an occurrence (aware) for a timed series, a date for an all-day one."""


@dataclass(frozen=True)
class Recurrence:
    """How a series repeats: an RRULE (without its `RRULE:` prefix), the starts it skips and those it adds."""

    rule: str
    exdates: tuple[RecurrenceDate, ...] = ()
    rdates: tuple[RecurrenceDate, ...] = ()

    @classmethod
    def of(cls, rule: str, *, exdates: Sequence[RecurrenceDate] = (), rdates: Sequence[RecurrenceDate] = ()) -> Self:
        """Check the rule part by part and return it normalized; InvalidInput names the part that is wrong."""
        if len(exdates) > MAX_RECURRENCE_DATES:
            raise InvalidInput("recurrence.exdates", f"a series has at most {MAX_RECURRENCE_DATES} exdates")
        if len(rdates) > MAX_RECURRENCE_DATES:
            raise InvalidInput("recurrence.rdates", f"a series has at most {MAX_RECURRENCE_DATES} rdates")
        normalized = _normalized_rule(rule)
        return cls(normalized, tuple(_utc(d) for d in exdates), tuple(_utc(d) for d in rdates))

    @property
    def parts(self) -> dict[str, str]:
        """The rule's parts by name, e.g. {"FREQ": "WEEKLY", "BYDAY": "MO"}."""
        return dict(part.split("=", 1) for part in self.rule.split(";"))

    @property
    def count(self) -> int | None:
        """The rule's COUNT, or None."""
        count = self.parts.get("COUNT")
        return int(count) if count is not None else None

    @property
    def is_finite(self) -> bool:
        """Tell whether the rule ends (COUNT or UNTIL); RDATEs alone always end."""
        parts = self.parts
        return "COUNT" in parts or "UNTIL" in parts

    def on_weekday_of(self, old: datetime | date, new: datetime | date) -> Self:
        """The rule of a series moved from `old` to `new`: a weekly rule on the old start's day moves to the new one's.

        Only a rule naming that one day (BYDAY=MO for a series that started on a Monday) follows,
        as calendars do when a weekly meeting is moved to another day; any other rule stays as it is.
        """
        day = self.parts.get("BYDAY")
        if day != WEEKDAYS[old.weekday()] or old.weekday() == new.weekday():
            return self
        return self.with_parts(BYDAY=WEEKDAYS[new.weekday()])

    def with_parts(self, **parts: str | None) -> Self:
        """The same recurrence with rule parts replaced (a None value removes the part)."""
        current = self.parts
        for name, value in parts.items():
            if value is None:
                current.pop(name, None)
            else:
                current[name] = value
        return type(self)(";".join(f"{k}={v}" for k, v in current.items()), self.exdates, self.rdates)

    def timed_starts(self, first: datetime, zone: ZoneInfo, *, before: datetime) -> list[datetime]:
        """The series' original starts (UTC) before `before`, from its first start `first`, in `zone`."""
        local_first = first.astimezone(zone)
        rule = self._rule(local_first)
        starts = _starts_with_first(rule, local_first, self.count, stop=lambda s: s >= before)
        extra = {d.astimezone(UTC) for d in self.rdates if isinstance(d, datetime) and d < before}
        skipped = {d.astimezone(UTC) for d in self.exdates if isinstance(d, datetime)}
        return sorted(({s.astimezone(UTC) for s in starts} | extra) - skipped)

    def date_starts(self, first: date, *, before: date) -> list[date]:
        """The all-day series' original dates before `before`, from its first date `first`."""
        local_first = datetime.combine(first, time(0))
        rule = self._rule(local_first)
        starts = _starts_with_first(rule, local_first, self.count, stop=lambda s: s.date() >= before)
        extra = {_as_date(d) for d in self.rdates if _as_date(d) < before}
        skipped = {_as_date(d) for d in self.exdates}
        return sorted(({s.date() for s in starts} | extra) - skipped)

    def _rule(self, first: datetime) -> rrule:
        """dateutil's rule from `first`; UNTIL is made to match DTSTART (UTC if it is zoned, a local time if not)."""
        parts = self.parts
        if "UNTIL" in parts:
            parts["UNTIL"] = _until_for(parts["UNTIL"], first)
        text = ";".join(f"{k}={v}" for k, v in parts.items())
        try:
            built = rrulestr(text, dtstart=first)
        except (ValueError, TypeError) as error:
            raise InvalidInput(RULE_FIELD, f"the rule cannot be read: {error}") from None
        if not isinstance(built, rrule):  # pragma: no cover - one RRULE line gives one rrule
            raise InvalidInput(RULE_FIELD, "give one RRULE")
        return built


def check_first_occurrence(recurrence: Recurrence, first: datetime | date, zone: ZoneInfo) -> None:
    """Refuse a rule that cannot be expanded from `first` (a bad UNTIL/DTSTART combination)."""
    if isinstance(first, datetime):
        recurrence.timed_starts(first, zone, before=first + timedelta(seconds=1))
    else:
        recurrence.date_starts(first, before=first + timedelta(days=1))


def _starts_with_first(
    rule: rrule, first: datetime, count: int | None, *, stop: Callable[[datetime], bool]
) -> Iterator[datetime]:
    """Yield `first`, then the rule's starts after it, COUNT counting `first` (RFC 5545) until `stop(start)`."""
    yield first
    produced = 1
    for start in rule:
        if start == first:
            continue
        if start < first:  # pragma: no cover - dateutil starts at DTSTART
            continue
        if count is not None and produced >= count:
            return
        if stop(start):
            return
        produced += 1
        yield start


def _normalized_rule(rule: str) -> str:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text:
        raise InvalidInput(RULE_FIELD, "the rule is empty: give at least FREQ, e.g. FREQ=WEEKLY;BYDAY=MO")
    if len(text) > MAX_RULE_LENGTH:
        raise InvalidInput(RULE_FIELD, f"the rule is at most {MAX_RULE_LENGTH} characters")
    parts: dict[str, str] = {}
    for part in text.split(";"):
        if not part:
            continue
        name, equals, value = part.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not equals or not name or not value:
            raise InvalidInput(RULE_FIELD, f"'{part}' is not NAME=VALUE")
        if name in parts:
            raise InvalidInput(RULE_FIELD, f"{name} is given twice")
        parts[name] = _checked_part(name, value)
    if "FREQ" not in parts:
        raise InvalidInput(RULE_FIELD, "FREQ is missing: give one of " + ", ".join(FREQUENCIES))
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidInput(RULE_FIELD, "UNTIL and COUNT cannot both be given")
    ordinals = [m.group(2) for day in parts.get("BYDAY", "").split(",") if (m := _BYDAY.match(day)) and m.group(2)]
    if ordinals and parts["FREQ"] not in ("MONTHLY", "YEARLY"):
        raise InvalidInput(RULE_FIELD, "BYDAY with a number (2TU, -1FR) needs FREQ=MONTHLY or FREQ=YEARLY")
    if parts["FREQ"] == "MONTHLY" and any(int(n) > MAX_WEEKS_IN_MONTH for n in ordinals):
        raise InvalidInput(RULE_FIELD, f"BYDAY counts at most {MAX_WEEKS_IN_MONTH} weeks in a month (1TU to 5TU)")
    ordered = {"FREQ": parts.pop("FREQ"), **parts}
    return ";".join(f"{k}={v}" for k, v in ordered.items())


def _checked_part(name: str, value: str) -> str:  # noqa: PLR0912 - one answer per rule part
    if name == "FREQ":
        if value not in FREQUENCIES:
            raise InvalidInput(RULE_FIELD, f"FREQ must be one of {', '.join(FREQUENCIES)}, not {value}")
        return value
    if name in ("INTERVAL", "COUNT"):
        highest = MAX_INTERVAL if name == "INTERVAL" else MAX_COUNT
        if not value.isdigit() or not 1 <= int(value) <= highest:
            raise InvalidInput(RULE_FIELD, f"{name} must be a whole number from 1 to {highest}, not {value}")
        return str(int(value))
    if name == "UNTIL":
        if not _UNTIL.match(value):
            raise InvalidInput(RULE_FIELD, f"UNTIL must be a date (20270131) or a time (20270131T090000Z), not {value}")
        try:
            _until_moment(value)
        except ValueError:
            raise InvalidInput(RULE_FIELD, f"UNTIL is not a real date: {value}") from None
        return value
    if name == "BYDAY":
        for day in value.split(","):
            found = _BYDAY.match(day)
            if found is None or (found.group(2) is not None and not 1 <= int(found.group(2)) <= 53):
                raise InvalidInput(RULE_FIELD, f"BYDAY takes days such as MO, 2TU or -1FR, not {day}")
        return value
    if name == "WKST":
        if value not in WEEKDAYS:
            raise InvalidInput(RULE_FIELD, f"WKST must be one of {', '.join(WEEKDAYS)}, not {value}")
        return value
    if name in _INTEGER_PARTS:
        lowest, highest, signed = _INTEGER_PARTS[name]
        for item in value.split(","):
            number = item.lstrip("+-")
            negative = item.startswith("-")
            if not number.isdigit() or not lowest <= int(number) <= highest or (negative and not signed):
                span = f"{lowest} to {highest}" + (f" or -{highest} to -{lowest}" if signed else "")
                raise InvalidInput(RULE_FIELD, f"{name} takes numbers from {span}, not {item}")
        return value
    if name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        raise InvalidInput(RULE_FIELD, f"{name} is not supported: a series repeats at most once a day")
    raise InvalidInput(RULE_FIELD, f"{name} is not a rule part planner knows")


def _until_moment(value: str) -> datetime:
    found = _UNTIL.match(value)
    assert found is not None
    digits = found.group(1)
    day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    clock = time(0)
    if found.group(3) is not None:
        hms = found.group(3)
        clock = time(int(hms[:2]), int(hms[2:4]), int(hms[4:]))
    return datetime.combine(day, clock, tzinfo=UTC if found.group(4) else None)


def _until_for(value: str, first: datetime) -> str:
    """UNTIL as dateutil needs it beside DTSTART `first`: in UTC when `first` is zoned, local when it is not.

    A date-only UNTIL includes its whole day; a local (floating) UNTIL is read in `first`'s zone.
    """
    moment = _until_moment(value)
    if len(value) == 8:
        moment = moment + timedelta(days=1) - timedelta(seconds=1)
    if first.tzinfo is None:
        if moment.tzinfo is not None:
            moment = moment.replace(tzinfo=None)
        return moment.strftime("%Y%m%dT%H%M%S")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=first.tzinfo)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _utc(value: RecurrenceDate) -> RecurrenceDate:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInput("recurrence.exdates", "exdates and rdates of a timed series include a UTC offset")
        return value.astimezone(UTC)
    return value


def _as_date(value: RecurrenceDate) -> date:
    return value.date() if isinstance(value, datetime) else value
