"""Out of office: a range of time a person is away, whatever their working hours say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.errors import InvalidInput
from domain.identity import new_id
from domain.scheduling.time_range import TimeRange
from domain.text import bounded_text

MAX_NOTE_LENGTH = 200
MAX_ABSENCE_LENGTH = timedelta(days=366)
MAX_ABSENCES = 200
"""How many ranges a person keeps (past ones included): enough for years of holidays."""


@dataclass(frozen=True, kw_only=True)
class OutOfOffice:
    """A person away over [starts_at, ends_at); the note is theirs alone (free/busy never shows it)."""

    id: UUID
    user_id: UUID
    time_range: TimeRange
    note: str
    created_at: datetime

    @classmethod
    def mark(cls, *, user_id: UUID, starts_at: datetime, ends_at: datetime, note: str, now: datetime) -> OutOfOffice:
        """A new out-of-office range from what the person typed."""
        span = TimeRange(starts_at, ends_at)
        if span.duration > MAX_ABSENCE_LENGTH:
            raise InvalidInput("ends_at", f"an out-of-office range lasts at most {MAX_ABSENCE_LENGTH.days} days")
        return cls(
            id=new_id(now),
            user_id=user_id,
            time_range=span,
            note=bounded_text(note, field="note", max_length=MAX_NOTE_LENGTH),
            created_at=now,
        )
