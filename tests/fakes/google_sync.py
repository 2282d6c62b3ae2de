"""Google sync state in memory; unlike the other fakes, not copied per transaction (what is written stays)."""

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from uuid import UUID

from domain.accounts.user import User
from domain.google_sync.mirroring import MirroredPage
from domain.google_sync.model import GoogleAccount, MirroredCalendar, RemoteAttendee
from domain.google_sync.write_back import WriteState, WrittenEvent
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event

HOLDER_SINCE = datetime(2026, 1, 1, tzinfo=UTC)


class InMemoryGoogleRepository:
    def __init__(self) -> None:
        self.accounts: dict[UUID, GoogleAccount] = {}
        self.mirrors: dict[tuple[UUID, str], MirroredCalendar] = {}
        self.events: dict[tuple[UUID, str], Event] = {}
        self.written: dict[UUID, WrittenEvent] = {}

    async def account(self, user_id: UUID) -> GoogleAccount | None:
        return self.accounts.get(user_id)

    async def save_account(self, account: GoogleAccount) -> None:
        self.accounts[account.user_id] = account

    async def mirrored_calendar(self, user_id: UUID, google_calendar_id: str) -> MirroredCalendar | None:
        return self.mirrors.get((user_id, google_calendar_id))

    async def account_holder(self, user_id: UUID) -> User | None:
        if user_id not in self.accounts:
            return None
        return User(id=user_id, email="owner@example.com", name="Owner", password_hash="hash", created_at=HOLDER_SINCE)

    async def add_mirror(self, calendar: Calendar, mirror: MirroredCalendar) -> MirroredCalendar:
        return self.mirrors.setdefault((mirror.user_id, mirror.google_calendar_id), mirror)

    async def save_mirrored_calendar(self, calendar: MirroredCalendar) -> None:
        self.mirrors[(calendar.user_id, calendar.google_calendar_id)] = calendar

    async def mirrored_events(self, calendar: MirroredCalendar, google_event_ids: Collection[str]) -> dict[str, Event]:
        found = {google_id: self.events.get((calendar.calendar_id, google_id)) for google_id in google_event_ids}
        return {google_id: event for google_id, event in found.items() if event is not None}

    async def note_calendars_checked(self, user_id: UUID, now: datetime) -> None:
        pass

    async def note_sync(self, user_id: UUID, google_calendar_id: str, **state: object) -> None:
        mirror = self.mirrors.get((user_id, google_calendar_id))
        if mirror is not None:
            mirror.last_attempt_at = state["attempted_at"]  # type: ignore[assignment]
            mirror.last_outcome = state["outcome"]  # type: ignore[assignment]
            mirror.last_error = state["error"]  # type: ignore[assignment]

    async def apply_events(self, calendar: MirroredCalendar, page: MirroredPage) -> None:
        for google_id, event in page.added.items():
            self.events[(calendar.calendar_id, google_id)] = event
        self.events = {key: event for key, event in self.events.items() if event.id not in page.removed}

    async def remove_unlisted_events(self, calendar: MirroredCalendar, listed: Collection[str]) -> int:
        unlisted = [key for key in self.events if key[0] == calendar.calendar_id and key[1] not in set(listed)]
        for key in unlisted:
            del self.events[key]
        return len(unlisted)

    def _written(self) -> dict[UUID, WrittenEvent]:
        return self.written

    async def written_event(self, event_id: UUID) -> WrittenEvent | None:
        return self._written().get(event_id)

    async def written_events(
        self, user_id: UUID, google_calendar_id: str, google_event_ids: Collection[str]
    ) -> dict[str, WrittenEvent]:
        return {
            w.google_event_id: w
            for w in self._written().values()
            if w.user_id == user_id and w.google_event_id is not None and w.google_event_id in set(google_event_ids)
        }

    async def save_written_event(self, written: WrittenEvent) -> None:
        self._written()[written.event_id] = written

    async def mirrored_guests(self, event_ids: Collection[UUID]) -> dict[UUID, tuple[RemoteAttendee, ...]]:
        return {}

    async def writes_not_done(self, user_id: UUID) -> dict[WriteState, int]:
        counts: dict[WriteState, int] = {}
        for written in self.written.values():
            if written.user_id == user_id and written.state in (WriteState.PENDING, WriteState.REFUSED):
                counts[written.state] = counts.get(written.state, 0) + 1
        return counts

    async def own_events_to_write(self, user_id: UUID, ending_after: datetime, limit: int) -> list[UUID]:
        return []


class InMemoryPushFlags:
    """The push flags (application.google_sync.ports.PushFlags) in a set."""

    def __init__(self) -> None:
        self.set: set[tuple[UUID, str]] = set()

    async def mark(self, user_id: UUID, google_calendar_id: str) -> None:
        self.set.add((user_id, google_calendar_id))

    async def take(self, user_id: UUID, google_calendar_id: str) -> bool:
        if (user_id, google_calendar_id) in self.set:
            self.set.discard((user_id, google_calendar_id))
            return True
        return False

    async def is_set(self, user_id: UUID, google_calendar_id: str) -> bool:
        return (user_id, google_calendar_id) in self.set


class InMemorySyncLocks:
    """One holder per calendar (application.google_sync.ports.SyncLocks) within one process; never waits."""

    def __init__(self) -> None:
        self.held: set[UUID] = set()

    @asynccontextmanager
    async def hold(self, calendar_id: UUID, *, wait_s: float = 0) -> AsyncIterator[bool]:
        if calendar_id in self.held:
            yield False
            return
        self.held.add(calendar_id)
        try:
            yield True
        finally:
            self.held.discard(calendar_id)
