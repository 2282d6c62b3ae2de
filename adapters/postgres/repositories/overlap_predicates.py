"""When an event takes its room or a window's time, phrased so PostgreSQL can answer from the right index."""

from sqlalchemy import ColumnClause, ColumnElement, func, literal_column

from adapters.postgres.models import EventOccurrenceRow
from domain.scheduling.time_range import TimeRange

# A literal, not a parameter: a generic prepared plan can only use the GiST indexes if the query
# spells its range the same way they do.
_HALF_OPEN: ColumnClause[str] = literal_column("'[)'")


def occurrence_overlaps(window: TimeRange) -> ColumnElement[bool]:
    """The occurrence's slot overlaps `window`, however long it lasts.

    Spelled as the GiST indexes see it: the room-booking exclusion constraint's (with `room_id =`)
    and ix_event_occurrences_calendar_span (with `calendar_id =`).
    """
    return func.tstzrange(EventOccurrenceRow.starts_at, EventOccurrenceRow.ends_at, _HALF_OPEN).op("&&")(
        func.tstzrange(window.starts_at, window.ends_at, _HALF_OPEN)
    )
