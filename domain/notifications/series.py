"""How notifications speak of a series: by how often it repeats, from the first date a change reaches."""

import copy
from datetime import datetime, timedelta

from domain.errors import NotFound
from domain.notifications.wording import repetition
from domain.scheduling.event import Event, EventStatus
from domain.scheduling.occurrence import Occurrence

FIRST_AFFECTED_LOOKS = (timedelta(days=40), timedelta(days=400), timedelta(days=4000))
"""How far ahead a series is expanded, step by step, to find the first occurrence a change reaches."""


def about_whole_series(current: Event, recurrence_id: datetime | None) -> bool:
    """Tell whether a fact is about a whole series (or its part from a split on), not one occurrence."""
    return current.recurrence is not None and recurrence_id is None


def series_name(current: Event, title: str) -> str:
    """How a message names a series: 'the weekly Stand-up', 'Review (every 2 weeks)'."""
    assert current.recurrence is not None
    parts = current.recurrence.parts
    interval = int(parts.get("INTERVAL", "1"))
    how_often = repetition(parts.get("FREQ", ""), interval)
    return f"the {how_often} {title}" if interval <= 1 else f"{title} ({how_often})"


def first_affected(current: Event, after: datetime) -> Occurrence | None:
    """The series' first occurrence not over at `after` (also of a cancelled series: what it was)."""
    series = current
    if current.is_cancelled:
        series = copy.copy(current)
        series.status = EventStatus.CONFIRMED
    start = max(after, current.starts_at)
    for look in FIRST_AFFECTED_LOOKS:
        upcoming = [o for o in series.occurrences(before=start + look) if o.ends_at > after]
        if upcoming:
            return min(upcoming, key=lambda o: o.starts_at)
    return None


def occurrence_named(current: Event, recurrence_id: datetime | None) -> Occurrence | None:
    """The occurrence a fact names, as it is now; None for a fact about the whole event or a vanished occurrence."""
    if recurrence_id is None or current.recurrence is None:
        return None
    try:
        return current.occurrence(recurrence_id)
    except NotFound:
        return None
