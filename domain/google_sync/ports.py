"""Ports of Google sync: Google's Calendar API, its OAuth endpoints, and where the mirror is kept."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.accounts.user import User
from domain.google_sync.mirroring import MirroredPage
from domain.google_sync.model import (
    EventPage,
    GoogleAccount,
    GoogleTokens,
    MirroredCalendar,
    NewChannel,
    RemoteAttendee,
    RemoteCalendar,
    SyncOutcome,
    WatchChannel,
)
from domain.google_sync.write_back import WriteState, WrittenEvent
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event


class CalendarApi(Protocol):
    """Google Calendar API v3 on one person's grant; refreshes the access token by itself."""

    @property
    def tokens(self) -> GoogleTokens:
        """The grant as it is now (a refresh may have changed it)."""
        ...

    async def list_calendars(self) -> list[RemoteCalendar]: ...

    async def list_events(self, calendar_id: str, *, sync_token: str | None, page_token: str | None) -> EventPage:
        """One page of events: everything when no sync token, else what changed since it (cancelled included)."""
        ...

    async def watch(
        self, calendar_id: str, *, channel_id: str, token: str, address: str, expires_at: datetime
    ) -> NewChannel: ...

    async def stop_channel(self, *, channel_id: str, resource_id: str) -> None: ...


class CalendarApis(Protocol):
    """Builds a CalendarApi for a grant."""

    def for_tokens(self, tokens: GoogleTokens) -> CalendarApi: ...


class GoogleOAuth(Protocol):
    """Google's OAuth 2.0 authorization-code flow, with PKCE (S256)."""

    def authorization_url(self, state: str, *, code_challenge: str, write_access: bool = False) -> str:
        """Google's consent page; `write_access` asks for writing events too (write-back)."""
        ...

    async def exchange_code(self, code: str, *, code_verifier: str) -> GoogleTokens: ...

    async def revoke(self, token: str) -> None:
        """Withdraw the grant at Google; a failure is logged, never raised (the grant is forgotten anyway)."""
        ...


class GoogleRepository(Protocol):
    """Accounts, mirrored calendars and their events, and watch channels."""

    async def note_message(self, channel_id: str, number: int) -> bool:
        """Remember `number` as the channel's latest; False when it is not newer than the one seen."""
        ...

    async def account(self, user_id: UUID) -> GoogleAccount | None: ...

    async def save_account(self, account: GoogleAccount) -> None: ...

    async def delete_account(self, user_id: UUID) -> None: ...

    async def mirrored_calendars(self, user_id: UUID) -> list[MirroredCalendar]: ...

    async def mirrored_calendar(self, user_id: UUID, google_calendar_id: str) -> MirroredCalendar | None: ...

    async def account_holder(self, user_id: UUID) -> User | None:
        """The person whose Google account it is: the owner of the calendars mirrored from it."""
        ...

    async def add_mirror(self, calendar: Calendar, mirror: MirroredCalendar) -> MirroredCalendar:
        """Store a new mirror calendar and its link; if another job linked that Google calendar first, that one."""
        ...

    async def save_mirrored_calendar(self, calendar: MirroredCalendar) -> None: ...

    async def mirrored_events(self, calendar: MirroredCalendar, google_event_ids: Collection[str]) -> dict[str, Event]:
        """The planner events mirroring these Google events of the calendar, by Google id."""
        ...

    async def apply_events(self, calendar: MirroredCalendar, page: MirroredPage) -> None:
        """Store what the domain decided for a page: its new and refreshed mirrors, and the removed ones deleted."""
        ...

    async def mirrored_guests(self, event_ids: Collection[UUID]) -> dict[UUID, tuple[RemoteAttendee, ...]]:
        """The guests of the Google events these mirrors show, with their answers, by planner id (absent: none)."""
        ...

    async def clear_events(self, calendar: MirroredCalendar) -> int:
        """Delete every mirrored event of the calendar."""
        ...

    async def remove_unlisted_events(self, calendar: MirroredCalendar, listed: Collection[str]) -> int:
        """Delete the calendar's mirrors whose Google event is not among `listed` (a full listing's ids)."""
        ...

    async def delete_mirrors(self, user_id: UUID) -> None:
        """Delete the person's mirrored calendars with their events."""
        ...

    async def written_event(self, event_id: UUID) -> WrittenEvent | None:
        """What was written to Google of the planner event, if it ever was."""
        ...

    async def written_events(
        self, user_id: UUID, google_calendar_id: str, google_event_ids: Collection[str]
    ) -> dict[str, WrittenEvent]:
        """The planner events written to these Google events of the person, by Google id.

        Google's event ids are unique across a person's calendars, and a copy written to "primary" is
        listed under that calendar's own id: `google_calendar_id` says where they were met, not a filter.
        """
        ...

    async def save_written_event(self, written: WrittenEvent) -> None: ...

    async def writes_back(self, event_id: UUID) -> UUID | None:
        """The organizer, when changes of the event go to Google: it was written, or they write theirs back."""
        ...

    async def own_events_to_write(self, user_id: UUID, ending_after: datetime, limit: int) -> list[UUID]:
        """The person's own live events in planner calendars, not over by `ending_after`, never written yet."""
        ...

    async def writes_waiting(self, now: datetime, first_wait: timedelta, limit: int) -> list[UUID]:
        """Events whose write to Google is pending or was refused and due again: each attempt doubles the wait."""
        ...

    async def writes_not_done(self, user_id: UUID) -> dict[WriteState, int]:
        """How many of the person's writes to Google wait (pending) or were refused, by state (absent: none)."""
        ...

    async def channels(self, user_id: UUID) -> list[WatchChannel]: ...

    async def channel(self, channel_id: str) -> WatchChannel | None: ...

    async def channels_expiring_before(self, moment: datetime, limit: int, *, alive_at: datetime) -> list[WatchChannel]:
        """Live channels (expiring after `alive_at`) expiring by `moment`, soonest first."""
        ...

    async def delete_orphan_channels(self) -> int:
        """Forget channels of people without a working grant, or of calendars no longer mirrored; answers how many."""
        ...

    async def delete_expired_channels(self, now: datetime) -> list[tuple[UUID, str]]:
        """Forget channels Google has already let expire; answers the (person, Google calendar) each was on."""
        ...

    async def note_sync(
        self,
        user_id: UUID,
        google_calendar_id: str,
        *,
        attempted_at: datetime,
        outcome: SyncOutcome,
        error: str | None,
    ) -> None: ...

    async def save_watch_state(self, calendar: MirroredCalendar) -> None:
        """Keep whether Google refused to watch the calendar, why, how often, and when to ask again."""
        ...

    async def calendars_to_watch_again(self, now: datetime, limit: int) -> list[MirroredCalendar]:
        """Polled calendars of working grants that Google refused to watch, due to be asked again by `now`."""
        ...

    async def calendars_due(
        self, *, polled_before: datetime, synced_before: datetime, watched_after: datetime, limit: int
    ) -> list[MirroredCalendar]:
        """Polled calendars last synced before `polled_before`, and any last synced before `synced_before`."""
        ...

    async def accounts_to_check(self, checked_before: datetime, limit: int) -> list[UUID]:
        """Working grants whose calendar list was last read before `checked_before`."""
        ...

    async def note_calendars_checked(self, user_id: UUID, now: datetime) -> None: ...

    async def delete_mirror(self, mirror: MirroredCalendar) -> None:
        """Delete a mirrored calendar with its events and the channels on it."""
        ...

    async def add_channel(self, channel: WatchChannel) -> None: ...

    async def channel_granted(self, channel_id: str, *, resource_id: str, expires_at: datetime) -> None:
        """Keep what Google answered to the watch: the channel's resource id and the expiration it granted."""
        ...

    async def delete_channel(self, channel_id: str) -> None: ...
