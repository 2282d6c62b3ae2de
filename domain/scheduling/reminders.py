"""Reminders: how many minutes before an event starts its participants are reminded."""

from collections.abc import Sequence

from domain.errors import InvalidInput

MAX_REMINDERS = 10
MAX_REMINDER_MINUTES = 40_320  # four weeks
DEFAULT_REMINDERS = (15,)


def reminder_offsets(values: Sequence[int], *, field: str = "reminders") -> tuple[int, ...]:
    """Return distinct offsets in minutes before the start, sorted, each within four weeks."""
    if len(values) > MAX_REMINDERS:
        raise InvalidInput(field, f"an event has at most {MAX_REMINDERS} reminders")
    for minutes in values:
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_REMINDER_MINUTES:
            raise InvalidInput(field, f"a reminder is a whole number of minutes from 0 to {MAX_REMINDER_MINUTES}")
    if len(set(values)) != len(values):
        raise InvalidInput(field, "reminders must not repeat")
    return tuple(sorted(values))
