"""Writing a person's own planner events to one of their Google calendars, and taking Google's edits of them back.

Planner writes an event its organizer organizes to the Google calendar they chose, marked with the
planner id (a private extended property). Each write remembers the planner version written and the
`updated` Google gave it: the copy that comes back through Google's push with that `updated` is the
echo of planner's own write and changes nothing. A newer Google `updated` is an edit made in Google;
between it and planner's own last change, the later one wins.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.google_sync.model import GoogleTokens, RemoteEvent
from domain.scheduling.event import Event
from domain.scheduling.occurrence import Occurrence

MAX_GOOGLE_CALENDAR_ID_LENGTH = 1024
PRIMARY = "primary"
"""Google's name for a person's main calendar."""


class WriteState(enum.StrEnum):
    PENDING = "pending"
    """Not written yet, or Google was unreachable: it is tried again."""
    WRITTEN = "written"
    REFUSED = "refused"
    """Google refused the write (the event stays in planner; the person was told)."""
    DELETED = "deleted"
    """Cancelled in planner and deleted at Google, or deleted at Google and cancelled in planner."""


@dataclass(frozen=True, kw_only=True)
class GoogleCopy:
    """What Google answered to a write: the Google event's id and when Google says it changed."""

    google_event_id: str
    updated: datetime | None


@dataclass(kw_only=True, eq=False)
class WrittenEvent:
    """A planner event written (or to be written) to its organizer's Google calendar."""

    event_id: UUID
    user_id: UUID
    google_calendar_id: str
    google_event_id: str | None = None
    written_version: int | None = None
    google_updated: datetime | None = None
    state: WriteState = WriteState.PENDING
    last_error: str | None = None
    attempts: int = 0
    updated_at: datetime

    @classmethod
    def planned(cls, event: Event, *, google_calendar_id: str, now: datetime) -> WrittenEvent:
        """An event about to be written to `google_calendar_id` for the first time."""
        return cls(event_id=event.id, user_id=event.organizer_id, google_calendar_id=google_calendar_id, updated_at=now)

    def needs_write(self, event: Event) -> bool:
        """Tell whether Google's copy lags behind the event (or a write of it is still to be done)."""
        if self.state is WriteState.DELETED:
            return False
        return self.state is not WriteState.WRITTEN or self.written_version != event.version

    def written(self, copy: GoogleCopy, *, version: int, now: datetime) -> None:
        """Note a write Google accepted."""
        self.google_event_id = copy.google_event_id
        self.google_updated = copy.updated or self.google_updated
        self.written_version, self.state = version, WriteState.WRITTEN
        self.last_error, self.attempts, self.updated_at = None, 0, now

    def deleted(self, *, version: int, now: datetime) -> None:
        """Note that the Google copy is gone, with the planner event cancelled."""
        self.written_version, self.state = version, WriteState.DELETED
        self.last_error, self.updated_at = None, now

    def failed(self, error: str, *, refused: bool, now: datetime) -> None:
        """Note a write that failed: Google refused it, or could not be reached (then it is tried again)."""
        self.state = WriteState.REFUSED if refused else WriteState.PENDING
        self.last_error, self.attempts, self.updated_at = error[:1000], self.attempts + 1, now

    def is_echo(self, remote: RemoteEvent) -> bool:
        """Tell whether the Google event is only planner's own write coming back (not newer than it)."""
        return remote.updated is None or (self.google_updated is not None and remote.updated <= self.google_updated)

    def took_in(self, remote: RemoteEvent, *, version: int, now: datetime) -> None:
        """Note that a Google edit was taken into the planner event, now at `version`: nothing to write back."""
        self.google_updated = remote.updated or self.google_updated
        self.written_version, self.updated_at = version, now
        if remote.cancelled and not remote.is_occurrence:
            self.state = WriteState.DELETED
        elif self.state is not WriteState.DELETED:
            self.state = WriteState.WRITTEN


def google_wins(remote: RemoteEvent, event: Event) -> bool:
    """Last writer wins: whether Google's edit is newer than planner's last change of the event."""
    return remote.updated is not None and remote.updated > event.updated_at


class CalendarWriter(Protocol):
    """Writing planner's events to one Google calendar of a person (events.insert/patch/delete)."""

    async def insert_event(self, google_calendar_id: str, event: Event) -> GoogleCopy:
        """Create the Google copy of the event (a series with its RRULE, EXDATEs and RDATEs)."""
        ...

    async def find_copy(self, google_calendar_id: str, event_id: UUID) -> GoogleCopy | None:
        """The Google event written earlier for the planner event, found by planner's extended property."""
        ...

    async def patch_event(self, google_calendar_id: str, google_event_id: str, event: Event) -> GoogleCopy:
        """Change the Google copy to the event as it is now."""
        ...

    async def patch_occurrence(self, google_calendar_id: str, google_event_id: str, occurrence: Occurrence) -> None:
        """Change one occurrence of the Google copy of a series to match an override."""
        ...

    async def delete_event(self, google_calendar_id: str, google_event_id: str) -> None:
        """Delete the Google copy; one Google no longer has counts as deleted."""
        ...


class CalendarWriters(Protocol):
    """Builds a CalendarWriter for a grant."""

    def writer_for(self, tokens: GoogleTokens, *, send_attendees: bool = False) -> CalendarWriter:
        """A writer on the grant; `send_attendees` writes events' participants as Google guests, who Google emails."""
        ...
