"""Ports of Google sync: Google's Calendar API, its OAuth endpoints, and where the mirror is kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.google_sync.model import (
    EventPage,
    GoogleAccount,
    GoogleTokens,
    MirroredCalendar,
    NewChannel,
    RemoteCalendar,
    RemoteEvent,
    WatchChannel,
)


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

    def authorization_url(self, state: str, *, code_challenge: str) -> str: ...

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

    async def mirror_calendar(self, user_id: UUID, remote: RemoteCalendar, now: datetime) -> MirroredCalendar:
        """The planner calendar mirroring `remote`, created read-only for its owner when new."""
        ...

    async def save_mirrored_calendar(self, calendar: MirroredCalendar) -> None: ...

    async def apply_events(
        self, calendar: MirroredCalendar, events: Sequence[RemoteEvent], now: datetime
    ) -> tuple[int, int]:
        """Upsert the mirrors of live events (keyed by Google id) and delete those of cancelled ones."""
        ...

    async def clear_events(self, calendar: MirroredCalendar) -> int:
        """Delete every mirrored event of the calendar."""
        ...

    async def delete_mirrors(self, user_id: UUID) -> None:
        """Delete the person's mirrored calendars with their events."""
        ...

    async def channels(self, user_id: UUID) -> list[WatchChannel]: ...

    async def channel(self, channel_id: str) -> WatchChannel | None: ...

    async def channels_expiring_before(self, moment: datetime, limit: int) -> list[WatchChannel]: ...

    async def add_channel(self, channel: WatchChannel) -> None: ...

    async def delete_channel(self, channel_id: str) -> None: ...
