"""The event form's repeat picker: its fields turned into RRULE text, and an RRULE read back into them.

The picker offers what people ask for (daily, every weekday, weekly on chosen days, monthly on day N or
on the Nth weekday, yearly, every N days/weeks/months/years; ending never, on a date or after N times).
A rule it cannot show (made through the API or imported) is kept as it is, so editing the rest of an
event never rewrites its recurrence.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.scheduling.recurrence import WEEKDAYS

KINDS = ("none", "daily", "weekdays", "weekly", "monthly", "yearly", "custom", "kept")
UNITS = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months", "YEARLY": "years"}
FREQUENCY_OF = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
MONTHLY_BY = ("day", "weekday", "last_weekday")
ENDS = ("never", "until", "count")
WORKING_DAYS = WEEKDAYS[:5]
DAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_PLAIN_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL"}


class RepeatInvalid(ValueError):
    """The picker's fields do not make a rule; `field` names the input to point at."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Repeat:
    """The picker's fields as posted (strings, as the browser sends them)."""

    kind: str = "none"
    days: list[str] = field(default_factory=list)  # weekly: MO..SU
    monthly_by: str = "day"
    interval: str = "1"
    unit: str = "WEEKLY"  # custom: DAILY, WEEKLY, MONTHLY or YEARLY
    ends: str = "never"
    until: str = ""  # an ISO date, the last day an occurrence may fall on
    count: str = ""
    kept: str = ""  # a rule the picker cannot show, carried through unchanged

    def rule(self, first: date) -> str | None:
        """RRULE text (without `RRULE:`) for a series starting on `first`; None when it does not repeat."""
        if self.kind not in KINDS:
            raise RepeatInvalid("repeat", "Pick how the event repeats from the list.")
        if self.kind == "none":
            return None
        if self.kind == "kept":
            return self.kept or None
        parts = self._pattern(first)
        parts.extend(self._end(first))
        return ";".join(parts)

    def _pattern(self, first: date) -> list[str]:
        if self.kind == "weekdays":
            return ["FREQ=WEEKLY", "BYDAY=" + ",".join(WORKING_DAYS)]
        frequency = self.unit if self.kind == "custom" else FREQUENCY_OF[self.kind]
        if frequency not in UNITS:
            raise RepeatInvalid("repeat_unit", "Pick days, weeks, months or years.")
        parts = [f"FREQ={frequency}"]
        interval = 1
        if self.kind == "custom":
            interval = _whole(self.interval, "repeat_interval", "Repeat every 1 to 1000", highest=1000)
        if interval != 1:
            parts.append(f"INTERVAL={interval}")
        if frequency == "WEEKLY":
            days = [d for d in WEEKDAYS if d in self.days] or [WEEKDAYS[first.weekday()]]
            if any(d not in WEEKDAYS for d in self.days):
                raise RepeatInvalid("repeat_days", "Pick days of the week from the list.")
            parts.append("BYDAY=" + ",".join(days))
        elif frequency == "MONTHLY":
            parts.append(_monthly(self.monthly_by, first))
        return parts

    def _end(self, first: date) -> list[str]:
        if self.ends == "never":
            return []
        if self.ends == "count":
            return [f"COUNT={_whole(self.count, 'repeat_count', 'Give how many times: 1 to 5000', highest=5000)}"]
        if self.ends == "until":
            try:
                last = date.fromisoformat(self.until)
            except ValueError:
                raise RepeatInvalid("repeat_until", "Give the last date, e.g. 2027-06-30.") from None
            if last < first:
                raise RepeatInvalid("repeat_until", "The last date cannot be before the first occurrence.")
            return [f"UNTIL={last:%Y%m%d}"]
        raise RepeatInvalid("repeat_ends", "Pick when the repetition ends.")


def repeat_of(rule: str | None, first: date) -> Repeat:
    """The picker's fields that give back `rule` for a series starting on `first` (to edit it)."""
    if not rule:
        return Repeat(kind="none")
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    repeat = Repeat(kind="kept", kept=rule)
    if "COUNT" in parts:
        repeat.ends, repeat.count = "count", parts["COUNT"]
    elif "UNTIL" in parts:
        until = parts["UNTIL"]
        repeat.ends, repeat.until = "until", f"{until[:4]}-{until[4:6]}-{until[6:8]}"
    frequency, interval = parts.get("FREQ", ""), parts.get("INTERVAL", "1")
    pattern = {k: v for k, v in parts.items() if k not in _PLAIN_PARTS}
    kind = _kind(frequency, pattern, repeat, first)
    if kind is None or "T" in parts.get("UNTIL", ""):
        return Repeat(kind="kept", kept=rule)  # a time of day in UNTIL: keep the rule exactly
    if interval != "1":
        repeat.kind, repeat.unit, repeat.interval = "custom", frequency, interval
    else:
        repeat.kind = kind
    return repeat if _same_rule(repeat.rule(first), rule, first) else Repeat(kind="kept", kept=rule)


def _same_rule(ours: str | None, theirs: str, first: date) -> bool:
    """Whether two rules say the same, part by part (a weekly rule without BYDAY repeats on DTSTART's day)."""

    def parts(rule: str) -> dict[str, str]:
        found = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
        if found.get("FREQ") == "WEEKLY":
            found.setdefault("BYDAY", WEEKDAYS[first.weekday()])
        if found.get("INTERVAL") == "1":
            del found["INTERVAL"]
        return found

    return ours is not None and parts(ours) == parts(theirs)


def _kind(frequency: str, pattern: dict[str, str], repeat: Repeat, first: date) -> str | None:
    if frequency == "DAILY" and not pattern:
        return "daily"
    if frequency == "WEEKLY" and set(pattern) <= {"BYDAY"}:
        days = pattern.get("BYDAY", WEEKDAYS[first.weekday()]).split(",")
        if days == list(WORKING_DAYS) and pattern:
            return "weekdays"
        repeat.days = days
        return "weekly"
    if frequency == "MONTHLY" and len(pattern) == 1:
        for by in MONTHLY_BY:
            if _monthly(by, first) == next(f"{k}={v}" for k, v in pattern.items()):
                repeat.monthly_by = by
                return "monthly"
    if frequency == "YEARLY" and not pattern:
        return "yearly"
    return None


def _monthly(by: str, first: date) -> str:
    weekday = WEEKDAYS[first.weekday()]
    if by == "day":
        return f"BYMONTHDAY={first.day}"
    if by == "weekday":
        return f"BYDAY={nth_of_month(first)}{weekday}"
    if by == "last_weekday":
        return f"BYDAY=-1{weekday}"
    raise RepeatInvalid("repeat_monthly_by", "Pick a day of the month or a weekday.")


def nth_of_month(day: date) -> int:
    """Which of its month's Mondays (or Tuesdays...) `day` is: 1 to 5."""
    return (day.day - 1) // 7 + 1


def is_last_of_month(day: date) -> bool:
    """Whether no later same weekday is left in the month."""
    return day.day + 7 > calendar.monthrange(day.year, day.month)[1]


def monthly_labels(first: date) -> dict[str, str]:
    """The monthly choices in words for a series starting on `first` ("on day 17", "on the third Wednesday")."""
    name = DAY_NAMES[WEEKDAYS[first.weekday()]]
    labels = {"day": f"on day {first.day}", "weekday": f"on the {ORDINALS[nth_of_month(first)]} {name}"}
    if is_last_of_month(first):
        labels["last_weekday"] = f"on the last {name}"
    return labels


def _whole(value: str, field: str, message: str, *, highest: int) -> int:
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= highest:
        raise RepeatInvalid(field, message + ".")
    return int(text)


def posted_repeat(get: dict[str, str], days: Sequence[str]) -> Repeat:
    """The picker's fields from a posted form (missing ones take their defaults)."""
    defaults = Repeat()
    return Repeat(
        kind=get.get("repeat", defaults.kind) or defaults.kind,
        days=list(days),
        monthly_by=get.get("repeat_monthly_by", defaults.monthly_by) or defaults.monthly_by,
        interval=get.get("repeat_interval", defaults.interval) or defaults.interval,
        unit=get.get("repeat_unit", defaults.unit) or defaults.unit,
        ends=get.get("repeat_ends", defaults.ends) or defaults.ends,
        until=get.get("repeat_until", ""),
        count=get.get("repeat_count", ""),
        kept=get.get("repeat_rule", ""),
    )


def describe(rule: str, first: date) -> str:
    """A rule in words for a series starting on `first`: "Every week on Monday and Friday, 10 times"."""
    repeat = repeat_of(rule, first)
    if repeat.kind == "kept":
        return rule
    days = " and ".join(DAY_NAMES[d] for d in WEEKDAYS if d in repeat.days)
    frequency = repeat.unit if repeat.kind == "custom" else FREQUENCY_OF.get(repeat.kind, "")
    every = f"Every {repeat.interval} {UNITS[frequency]}" if repeat.kind == "custom" else ""
    text = {
        "daily": "Every day",
        "weekdays": "Every weekday",
        "weekly": f"Every week on {days}",
        "monthly": f"Every month {monthly_labels(first).get(repeat.monthly_by, '')}",
        "yearly": f"Every year on {first.day} {first:%B}",
    }.get(repeat.kind, every)
    if repeat.kind == "custom" and frequency == "WEEKLY":
        text += f" on {days}"
    elif repeat.kind == "custom" and frequency == "MONTHLY":
        text += " " + monthly_labels(first).get(repeat.monthly_by, "")
    if repeat.ends == "count":
        return f"{text}, {repeat.count} times"
    if repeat.ends == "until":
        return f"{text}, until {date.fromisoformat(repeat.until):%d %B %Y}"
    return text
