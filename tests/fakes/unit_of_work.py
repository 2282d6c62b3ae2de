"""The one unit of work in memory, behaving like PostgresUnitOfWork.

Each unit of work works on a private copy of the committed scheduling, notification and reminder
tables and publishes it on commit, so a refused or abandoned use case leaves the store exactly as
it was. Jobs and Google sync state are shared as they are (those fakes are not transactional).
"""

from types import TracebackType
from typing import Self
from uuid import UUID

from application.unit_of_work import SeenAggregates
from domain.domain_events import DomainEvent
from domain.notifications.notification import Notification
from tests.fakes.email import InMemoryNotificationPreferenceRepository, InMemoryOutgoingEmailRepository
from tests.fakes.google_sync import InMemoryGoogleRepository
from tests.fakes.jobs import InMemoryJobRepository
from tests.fakes.notifications import DeliveryTables, InMemoryNotificationRepository, InMemoryReminderRepository
from tests.fakes.scheduling import (
    InMemoryCalendarRepository,
    InMemoryEventRepository,
    InMemoryRoomRepository,
    InMemoryUserRepository,
    Tables,
)


class FakeDatabase:
    """What was committed, shared by every unit of work built on it."""

    def __init__(self) -> None:
        self.tables = Tables()
        self.delivery = DeliveryTables()
        self.jobs = InMemoryJobRepository()
        self.google = InMemoryGoogleRepository()
        self.committed_events: list[DomainEvent] = []
        """Every event stored 'in the outbox', in commit order."""

    def notifications_of(self, user_id: UUID) -> list[Notification]:
        """The user's committed notifications, oldest first."""
        mine = [n for n in self.delivery.notifications.values() if n.user_id == user_id]
        return sorted(mine, key=lambda n: n.seq)


class FakeUnitOfWork:
    """A unit of work over a FakeDatabase; `commits` counts commits, events land in `database.committed_events`."""

    def __init__(self, database: FakeDatabase | None = None) -> None:
        self.database = database or FakeDatabase()
        self._tables = Tables()
        self._delivery = DeliveryTables()
        self._seen = SeenAggregates()
        self.users = InMemoryUserRepository(self._tables, self._seen)
        self.calendars = InMemoryCalendarRepository(self._tables, self._seen)
        self.rooms = InMemoryRoomRepository(self._tables)
        self.events = InMemoryEventRepository(self._tables, self._seen)
        self.notifications = InMemoryNotificationRepository(self._delivery)
        self.reminders = InMemoryReminderRepository(self._delivery, self._tables)
        self.notification_preferences = InMemoryNotificationPreferenceRepository(self._delivery)
        self.emails = InMemoryOutgoingEmailRepository(self._delivery, self._seen)
        self.jobs = self.database.jobs
        self.google = self.database.google
        self.commits = 0
        self.rollbacks = 0
        self.read_only = False

    def reading(self) -> Self:
        self.read_only = True
        return self

    async def __aenter__(self) -> Self:
        self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.read_only = False
        await self.rollback()

    async def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a unit of work opened for reading cannot commit")
        events = self.collect_new_events()
        self.database.tables = self._tables.snapshot()
        self.database.delivery = self._delivery.snapshot()
        self.database.committed_events.extend(events)
        self.commits += 1
        self._begin()

    async def rollback(self) -> None:
        self.rollbacks += 1
        self._begin()

    def collect_new_events(self) -> list[DomainEvent]:
        return self._seen.collect_new_events()

    def _begin(self) -> None:
        self._seen.forget()
        self._tables.load(self.database.tables.snapshot())
        self._delivery.load(self.database.delivery.snapshot())
