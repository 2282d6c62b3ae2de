"""What planner knows of a person's Google Calendar: the grant, the mirrored calendars, the watch channels."""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from domain.scheduling.recurrence import Recurrence

WRITE_SCOPE = "https://www.googleapis.com/auth/calendar.events"
"""The grant planner needs to write a person's own events to their Google calendars (write-back)."""

RENEW_WITHIN = timedelta(hours=24)
"""Channels expiring sooner than this are replaced by fresh ones."""
PUSH_NOT_SUPPORTED = "pushNotSupportedForRequestedResource"
"""Google's reason when it will not watch a calendar (holidays, birthdays, some shared calendars)."""
WATCH_RETRY_FIRST = timedelta(days=1)
"""How long after Google refused to watch a calendar planner asks again; the wait doubles after each refusal."""
WATCH_RETRY_LONGEST = timedelta(days=7)


class ConnectionStatus(enum.StrEnum):
    CONNECTED = "connected"
    BROKEN = "broken"
    """Google refused the grant (revoked or expired): the person must connect again."""


@dataclass(frozen=True, kw_only=True)
class GoogleTokens:
    """An OAuth grant; kept encrypted at rest, never logged."""

    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    granted_scopes: tuple[str, ...] = field(default=(), compare=False)
    """What the person granted, as Google said when the code was exchanged (not kept with the tokens)."""

    def __repr__(self) -> str:
        return f"GoogleTokens(expires_at={self.expires_at!r})"


@dataclass(kw_only=True, eq=False)
class GoogleAccount:
    """A person's connection to their Google Calendar."""

    user_id: UUID
    tokens: GoogleTokens
    status: ConnectionStatus = ConnectionStatus.CONNECTED
    broken_reason: str | None = None
    connected_at: datetime
    updated_at: datetime
    write_back_calendar_id: str | None = None
    """The Google calendar the person's own planner events are written to; None: they are not written."""
    can_write: bool = False
    """Whether the grant lets planner write events (WRITE_SCOPE); connecting reads only, unless asked to write."""
    send_attendees: bool = False
    """Whether write-back writes the participants of the person's events as Google guests. Off by default:
    Google then emails those guests invitations and updates (its `sendUpdates=all`); off, nobody is emailed."""

    def write_back_to(self, google_calendar_id: str | None, now: datetime, *, send_attendees: bool = False) -> None:
        """Write the person's own events to this Google calendar from now on (None: stop writing)."""
        self.write_back_calendar_id = google_calendar_id
        self.send_attendees = send_attendees and google_calendar_id is not None
        self.updated_at = now

    def refreshed(self, tokens: GoogleTokens, now: datetime) -> None:
        self.tokens = tokens
        self.updated_at = now

    def break_off(self, reason: str, now: datetime) -> None:
        self.status = ConnectionStatus.BROKEN
        self.broken_reason = reason
        self.updated_at = now

    @property
    def usable(self) -> bool:
        return self.status is ConnectionStatus.CONNECTED


class SyncOutcome(enum.StrEnum):
    """How a calendar's last sync went."""

    SYNCED = "synced"
    DEFERRED = "deferred"
    """Another sync of the calendar was running: it goes round again for this one."""
    FAILED = "failed"


@dataclass(kw_only=True, eq=False)
class MirroredCalendar:
    """A Google calendar of a person and the read-only planner calendar that mirrors it."""

    user_id: UUID
    google_calendar_id: str
    calendar_id: UUID
    name: str
    time_zone: str
    sync_token: str | None = None
    last_synced_at: datetime | None = None
    watch_refused: str | None = None
    """Why Google will not push this calendar's changes: it is polled instead. None while it can be watched."""
    watch_refusals: int = 0
    """How many times in a row Google refused to watch it."""
    watch_retry_at: datetime | None = None
    """When planner asks Google to watch it again: a refused calendar may become watchable (then it is pushed)."""
    last_attempt_at: datetime | None = None
    last_outcome: SyncOutcome | None = None
    last_error: str | None = None

    @property
    def polled(self) -> bool:
        return self.watch_refused is not None

    def watch_refused_by_google(self, reason: str, now: datetime) -> None:
        """Google will not watch it: poll it, and ask again a day later, then waiting twice as long each time."""
        self.watch_refused = reason
        self.watch_refusals += 1
        self.watch_retry_at = now + min(WATCH_RETRY_FIRST * 2 ** (self.watch_refusals - 1), WATCH_RETRY_LONGEST)

    def watched(self) -> None:
        """Google watches it now: its changes are pushed, it is no longer polled."""
        self.watch_refused, self.watch_refusals, self.watch_retry_at = None, 0, None


_CHANNEL_TOKEN_KEY = b"planner google push channel token"


def channel_token_digest(token: str) -> str:
    """What is kept of a channel's token: its HMAC-SHA256, so a database reader cannot forge Google's pushes.

    The key is a fixed label, not a secret: the token is 256 random bits, and the digest only has to be
    one-way. Comparing digests of equal length also keeps the comparison constant-time for any input.
    """
    return hmac.new(_CHANNEL_TOKEN_KEY, token.encode(), hashlib.sha256).hexdigest()


@dataclass(kw_only=True, eq=False)
class WatchChannel:
    """A Google push channel on one calendar; `token_digest` is the HMAC of its per-channel secret."""

    id: str
    user_id: UUID
    google_calendar_id: str
    token_digest: str
    resource_id: str
    expires_at: datetime
    last_message_number: int | None = None
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class RemoteCalendar:
    """A calendar as Google lists it."""

    id: str
    name: str
    time_zone: str
    color: str | None = None


class AttendeeResponse(enum.StrEnum):
    """A guest's answer as Google keeps it (`responseStatus`)."""

    NEEDS_ACTION = "needsAction"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"


@dataclass(frozen=True, kw_only=True)
class RemoteAttendee:
    """A guest of a Google event, mirrored for display only: Google, not planner, invites and tells them."""

    email: str
    name: str = ""
    response: AttendeeResponse = AttendeeResponse.NEEDS_ACTION
    organizer: bool = False


@dataclass(frozen=True, kw_only=True)
class RemoteEvent:
    """An event as Google returns it, already in planner's terms; a cancelled one is to be deleted.

    A series carries its `recurrence` (RRULE, EXDATEs, RDATEs, read in `timezone`). One occurrence
    Google keeps apart (an exception) carries `series_id`, its series' Google id, and `recurrence_id`,
    its original start (00:00 UTC of its original date for an all-day series): a live one overrides
    that occurrence, a cancelled one skips it (an EXDATE).
    """

    id: str
    cancelled: bool
    title: str = ""
    description: str = ""
    location: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    all_day: bool = False
    timezone: str = "UTC"
    recurrence: Recurrence | None = None
    series_id: str | None = None
    recurrence_id: datetime | None = None
    attendees: tuple[RemoteAttendee, ...] = ()
    updated: datetime | None = None
    """When it last changed in Google (`updated`): the last writer wins between Google and planner."""
    planner_event_id: UUID | None = None
    """The planner event this Google event was written from (planner's extended property), if any."""

    @property
    def is_occurrence(self) -> bool:
        """Tell whether it is one occurrence of a series, kept apart by Google."""
        return self.series_id is not None and self.recurrence_id is not None


@dataclass(frozen=True, kw_only=True)
class EventPage:
    events: list[RemoteEvent]
    next_page_token: str | None
    next_sync_token: str | None


@dataclass(frozen=True, kw_only=True)
class NewChannel:
    """What Google answered to events.watch."""

    resource_id: str
    expires_at: datetime
