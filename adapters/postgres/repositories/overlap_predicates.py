"""When an event takes its room or a window's time, phrased so PostgreSQL can answer from the right index."""

from sqlalchemy import ColumnClause, ColumnElement, func, literal_column

from adapters.postgres.models import EventOccurrenceRow, EventRow
from domain.scheduling.time_range import TimeRange

# Literals, not parameters: a generic prepared plan can only use the exclusion constraint's partial
# GiST index if the query spells its predicate (`status = 'confirmed'`) and its range the same way.
_CONFIRMED: ColumnClause[str] = literal_column("'confirmed'")
_HALF_OPEN: ColumnClause[str] = literal_column("'[)'")


def is_confirmed() -> ColumnElement[bool]:
    """The event still takes place (and holds its room)."""
    return EventRow.status == _CONFIRMED


def slot_overlaps(window: TimeRange) -> ColumnElement[bool]:
    """The event's slot overlaps `window`, however long the event lasts.

    Spelled as the GiST indexes see it: the room-booking exclusion constraint's (with `room_id =`)
    and ix_events_calendar_span (with `calendar_id =`).
    """
    return func.tstzrange(EventRow.starts_at, EventRow.ends_at, _HALF_OPEN).op("&&")(
        func.tstzrange(window.starts_at, window.ends_at, _HALF_OPEN)
    )


def occurrence_overlaps(window: TimeRange) -> ColumnElement[bool]:
    """The occurrence's slot overlaps `window`: on the occurrences' GiST indexes, as slot_overlaps on events'."""
    return func.tstzrange(EventOccurrenceRow.starts_at, EventOccurrenceRow.ends_at, _HALF_OPEN).op("&&")(
        func.tstzrange(window.starts_at, window.ends_at, _HALF_OPEN)
    )
