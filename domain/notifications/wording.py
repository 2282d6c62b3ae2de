"""How notifications put times, spans and lists into words people read at a glance."""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MINUTES_PER_HOUR = 60
_MINUTES_PER_DAY = 24 * _MINUTES_PER_HOUR


def zone_or_utc(name: str) -> ZoneInfo:
    """The zone called `name`, or UTC when the zone database no longer knows it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def moment(at: datetime, zone_name: str, *, all_day: bool = False) -> str:
    """A moment as its reader's wall clock shows it: 'Tue 1 Dec 10:00 (Europe/Berlin)', or 'Tue 1 Dec (all day)'."""
    zone = zone_or_utc(zone_name)
    local = at.astimezone(zone)
    day = f"{local:%a} {local.day} {local:%b}"
    if all_day:
        return f"{day} (all day)"
    return f"{day} {local:%H:%M} ({zone.key})"


def day_of(at: datetime, zone_name: str) -> str:
    """The date of a moment on its reader's wall clock: 'Thu 3 Dec'."""
    local = at.astimezone(zone_or_utc(zone_name))
    return f"{local:%a} {local.day} {local:%b}"


def clock_time(at: datetime, zone_name: str) -> str:
    """The time of day of a moment on its reader's wall clock: '09:30 (Europe/Berlin)'."""
    zone = zone_or_utc(zone_name)
    return f"{at.astimezone(zone):%H:%M} ({zone.key})"


_REPEATS = {"DAILY": ("daily", "days"), "WEEKLY": ("weekly", "weeks"), "MONTHLY": ("monthly", "months")}
_REPEATS["YEARLY"] = ("yearly", "years")


def repetition(frequency: str, interval: int = 1) -> str:
    """How often a series repeats, as an adjective: 'weekly', 'every 2 weeks'."""
    word, unit = _REPEATS.get(frequency, ("recurring", ""))
    if interval <= 1 or not unit:
        return word
    return f"every {interval} {unit}"


def span(minutes: int) -> str:
    """A number of minutes in words: '15 minutes', '1 hour', '1 hour 30 minutes', '2 days'."""
    days, rest = divmod(minutes, _MINUTES_PER_DAY)
    hours, mins = divmod(rest, _MINUTES_PER_HOUR)
    parts = [_count(days, "day"), _count(hours, "hour"), _count(mins, "minute")]
    said = [part for part in parts if part]
    return " ".join(said) if said else "0 minutes"


def listing(items: Sequence[str]) -> str:
    """Items joined the way a sentence lists them: 'time', 'time and room', 'time, room and title'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _count(number: int, unit: str) -> str:
    if number == 0:
        return ""
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"
