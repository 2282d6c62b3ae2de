"""Where PostgreSQL refuses a write the domain forbids: a room double-booking, a taken email, a deleted room.

The database is the authority on these rules (the constraints named in adapters/postgres/models.py).
A statement run on the driver fails with asyncpg's own error; one run through SQLAlchemy fails with
SQLAlchemy's, raised from asyncpg's. This module is the one place that reads either: the repositories
ask it which rule refused a write, then name the domain's refusal with what they know of the write.
"""

import asyncpg
from sqlalchemy.exc import DBAPIError

from adapters.postgres.models import EMAIL_CONSTRAINT, EVENT_ROOM_FOREIGN_KEY, ROOM_BOOKING_CONSTRAINT

DEADLOCK_DETECTED = "40P01"


def room_double_booking(error: BaseException, *, while_booking: bool) -> bool:
    """Whether PostgreSQL refused to book a room for a slot that overlaps another confirmed booking.

    Its exclusion constraint refuses the second booking. Two overlapping bookings can also wait on
    each other's exclusion check until PostgreSQL aborts one (deadlock detected): when the statement
    aborted was writing a booking (`while_booking`), they overlap, so it is refused like any second one.
    """
    refused = _postgres_error(error)
    if refused is None:
        return False
    return refused.constraint_name == ROOM_BOOKING_CONSTRAINT or (
        while_booking and refused.sqlstate == DEADLOCK_DETECTED
    )


def deleted_room(error: BaseException) -> bool:
    """Whether PostgreSQL refused an event whose room no longer exists (deleted after it was checked)."""
    return _violated_constraint(error) == EVENT_ROOM_FOREIGN_KEY


def taken_email(error: BaseException) -> bool:
    """Whether PostgreSQL refused a user because someone registered with the email first."""
    return _violated_constraint(error) == EMAIL_CONSTRAINT


def _violated_constraint(error: BaseException) -> str | None:
    refused = _postgres_error(error)
    return None if refused is None else refused.constraint_name


def _postgres_error(error: BaseException) -> asyncpg.PostgresError | None:
    """asyncpg's error behind `error`: `error` itself, or the one SQLAlchemy's error was raised from."""
    if isinstance(error, asyncpg.PostgresError):
        return error
    if isinstance(error, DBAPIError) and error.orig is not None:
        # SQLAlchemy's asyncpg adapter raises its own DB-API error `from` asyncpg's.
        cause = error.orig.__cause__
        if isinstance(cause, asyncpg.PostgresError):
            return cause
    return None
