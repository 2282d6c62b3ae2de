"""How Google's calendars and events become planner's read-only mirrors: the domain decides, storage follows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.accounts.user import User
from domain.google_sync.model import MirroredCalendar, RemoteAttendee, RemoteCalendar, RemoteEvent
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event
from domain.scheduling.timezone import MAX_TIMEZONE_LENGTH


def mirror_calendar(owner: User, remote: RemoteCalendar, *, now: datetime) -> tuple[Calendar, MirroredCalendar]:
    """Return the read-only planner calendar mirroring `remote` for `owner`, and its link to Google."""
    calendar = Calendar.mirror_of(owner=owner, name=remote.name, color=remote.color, now=now)
    link = MirroredCalendar(
        user_id=owner.id,
        google_calendar_id=remote.id,
        calendar_id=calendar.id,
        name=remote.name,
        time_zone=remote.time_zone[:MAX_TIMEZONE_LENGTH],
    )
    return calendar, link


@dataclass(frozen=True, kw_only=True)
class MirroredPage:
    """What a page of Google's events does to a mirror: events to store and events to delete."""

    added: dict[str, Event]
    """New mirrors, by the id of the Google event each mirrors."""
    refreshed: list[Event]
    """Mirrors whose Google event changed."""
    removed: list[UUID]
    """Planner ids of mirrors whose Google event was cancelled."""
    live: int
    """How many of the page's events are live ones, mirrored whether they changed or not."""
    guests: dict[str, tuple[RemoteAttendee, ...]] = field(default_factory=dict)
    """The guests of the page's new and changed mirrors (and of any with guests), by Google id: for display."""

    @property
    def stored(self) -> list[Event]:
        """The events to write, new and changed."""
        return [*self.added.values(), *self.refreshed]

    @property
    def applied(self) -> int:
        """How many of the page's events the mirror took in (each live one and each removal): a job's "loaded"."""
        return self.live + len(self.removed)


def mirror_page(
    calendar: MirroredCalendar, known: Mapping[str, Event], events: Sequence[RemoteEvent], *, now: datetime
) -> MirroredPage:
    """Decide what a page of Google's events changes, given the mirrors `known` by Google id.

    `known` holds the mirrors of the page's events and of the series its exceptions belong to. The
    last word on an event within the page wins. Series come before their exceptions: an exception
    overrides (or, cancelled, skips) its occurrence of the mirrored series; one whose series is not
    mirrored (an invitation to a single occurrence) is mirrored as an event of its own; once its series
    is mirrored, that event of its own goes and the exception becomes the series' override. A live event
    without a start (Google sends such fragments) is left alone, and a cancelled one that was never
    mirrored needs nothing.
    """
    latest = {event.id: event for event in events}
    added: dict[str, Event] = {}
    refreshed: dict[UUID, Event] = {}
    removed: list[UUID] = []
    guests: dict[str, tuple[RemoteAttendee, ...]] = {}
    live = 0
    for google_id, remote in sorted(latest.items(), key=lambda item: item[1].is_occurrence):
        series = _series_of(remote, added, known, removed)
        if series is not None and (remote.cancelled or remote.starts_at is not None):
            if series.refresh_occurrence_from(remote, now=now) and series.id not in {e.id for e in added.values()}:
                refreshed[series.id] = series
            alone = known.get(google_id)
            if alone is not None and alone.id != series.id:
                removed.append(alone.id)  # mirrored on its own before its series was: now the series shows it
            live += 1
            continue
        mirrored = known.get(google_id)
        if remote.cancelled:
            if mirrored is not None:
                removed.append(mirrored.id)
            continue
        if remote.starts_at is None:
            continue
        live += 1
        if mirrored is None:
            added[google_id] = Event.mirror(
                remote, calendar_id=calendar.calendar_id, owner_id=calendar.user_id, now=now
            )
        elif mirrored.refresh_from(remote, now=now):
            refreshed[mirrored.id] = mirrored
        elif not remote.attendees:
            continue
        guests[google_id] = remote.attendees
    return MirroredPage(added=added, refreshed=list(refreshed.values()), removed=removed, live=live, guests=guests)


def _series_of(
    remote: RemoteEvent, added: Mapping[str, Event], known: Mapping[str, Event], removed: Sequence[UUID]
) -> Event | None:
    """The mirrored series an exception belongs to, if it is one and its series is mirrored (and still live)."""
    if not remote.is_occurrence or remote.series_id is None:
        return None
    series = added.get(remote.series_id) or known.get(remote.series_id)
    if series is None or series.recurrence is None or series.id in removed:
        return None
    return series
