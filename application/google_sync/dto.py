"""The Google sync commands: what a person, Google's push or the worker asks Google sync to do.

`actor_id` is the signed-in person the entrypoint authenticated; `user_id` is the person whose
Google Calendar a background step works on.
"""

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class BeginConnection:
    """Start connecting the actor's Google Calendar: where to send them to grant access."""

    actor_id: UUID


@dataclass(frozen=True, kw_only=True)
class CompleteConnection:
    """Keep the grant Google sent back with `code` for the consent `state` began, and sync everything."""

    actor_id: UUID
    code: str
    state: str


@dataclass(frozen=True, kw_only=True)
class DisconnectGoogle:
    """Stop syncing the actor's Google Calendar and forget the grant and every mirror."""

    actor_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReceivePush:
    """Act on Google's push notification, as its headers tell it."""

    channel_id: str
    token: str
    resource_state: str
    resource_id: str
    message_number: int | None


@dataclass(frozen=True, kw_only=True)
class WatchCalendars:
    """Open a push channel on each mirrored calendar of the person that has none."""

    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class RenewChannels:
    """Replace the push channels about to expire, at most `limit` of them."""

    limit: int = 500


@dataclass(frozen=True, kw_only=True)
class UnsubscribeChannel:
    """Stop one push channel (its owner or an administrator)."""

    channel_id: str
    actor_id: UUID
    is_admin: bool


@dataclass(frozen=True, kw_only=True)
class StopChannels:
    """Stop every push channel of the person."""

    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class StartFullSync:
    """Queue a full sync of the person's Google calendars."""

    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class RunSyncJob:
    """Run a sync job, or the missing sources of a partial one."""

    job_id: UUID


@dataclass(frozen=True, kw_only=True)
class SyncCalendar:
    """Fetch one mirrored calendar's changes from Google, as a job of its own."""

    user_id: UUID
    google_calendar_id: str


@dataclass(frozen=True, kw_only=True)
class SyncAfterPush:
    """Sync a calendar Google pushed a change of, again while pushes keep coming."""

    user_id: UUID
    google_calendar_id: str


@dataclass(frozen=True, kw_only=True)
class RetryPartialJobs:
    """Retry the missing sources of at most `limit` partial jobs; give up on those too old."""

    limit: int = 100
