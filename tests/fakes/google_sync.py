"""Google sync state in memory; unlike the other fakes, not copied per transaction (what is written stays)."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID, uuid4

from domain.google_sync.model import GoogleAccount, MirroredCalendar, RemoteCalendar, RemoteEvent


class InMemoryGoogleRepository:
    def __init__(self) -> None:
        self.accounts: dict[UUID, GoogleAccount] = {}
        self.mirrors: dict[tuple[UUID, str], MirroredCalendar] = {}
        self.events: dict[tuple[UUID, str], RemoteEvent] = {}

    async def account(self, user_id: UUID) -> GoogleAccount | None:
        return self.accounts.get(user_id)

    async def save_account(self, account: GoogleAccount) -> None:
        self.accounts[account.user_id] = account

    async def mirrored_calendar(self, user_id: UUID, google_calendar_id: str) -> MirroredCalendar | None:
        return self.mirrors.get((user_id, google_calendar_id))

    async def mirror_calendar(self, user_id: UUID, remote: RemoteCalendar, now: datetime) -> MirroredCalendar:
        return self.mirrors.setdefault(
            (user_id, remote.id),
            MirroredCalendar(
                user_id=user_id,
                google_calendar_id=remote.id,
                calendar_id=uuid4(),
                name=remote.name,
                time_zone=remote.time_zone,
            ),
        )

    async def save_mirrored_calendar(self, calendar: MirroredCalendar) -> None:
        self.mirrors[(calendar.user_id, calendar.google_calendar_id)] = calendar

    async def apply_events(
        self, calendar: MirroredCalendar, events: Sequence[RemoteEvent], now: datetime
    ) -> tuple[int, int]:
        for event in events:
            self.events[(calendar.calendar_id, event.id)] = event
        return len(events), 0
