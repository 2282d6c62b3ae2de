"""When an event takes its room, phrased so PostgreSQL can answer from the right index."""

from datetime import datetime

from sqlalchemy import ColumnClause, ColumnElement, and_, func, literal_column

from adapters.postgres.models import EventRow
from domain.scheduling.time_range import EVENT_MAX_LENGTH, TimeRange

# Literals, not parameters: a generic prepared plan can only use the exclusion constraint's partial
# GiST index if the query spells its predicate (`status = 'confirmed'`) and its range the same way.
_CONFIRMED: ColumnClause[str] = literal_column("'confirmed'")
_HALF_OPEN: ColumnClause[str] = literal_column("'[)'")


def is_confirmed() -> ColumnElement[bool]:
    """The event still takes place (and holds its room)."""
    return EventRow.status == _CONFIRMED


def slot_overlaps(window: TimeRange) -> ColumnElement[bool]:
    """The event's slot overlaps `window`, as the room-booking exclusion constraint's GiST index sees it."""
    return func.tstzrange(EventRow.starts_at, EventRow.ends_at, _HALF_OPEN).op("&&")(
        func.tstzrange(window.starts_at, window.ends_at, _HALF_OPEN)
    )


def starts_and_ends_overlap(window: TimeRange) -> ColumnElement[bool]:
    """The event overlaps `window`, bounded on both sides for B-tree indexes on starts_at.

    No event lasts longer than EVENT_MAX_LENGTH, so one overlapping the window started at most that
    long before it: the lower bound keeps an index range scan from reading the calendar's whole past.
    """
    earliest_start: datetime = window.starts_at - EVENT_MAX_LENGTH
    return and_(
        EventRow.starts_at > earliest_start,
        EventRow.starts_at < window.ends_at,
        EventRow.ends_at > window.starts_at,
    )
