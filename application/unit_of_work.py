"""The unit of work port (the only one): one transaction per use case, and the domain events it produced.

How events travel: a repository's `add`/`save`/`remove` hands the aggregate to the unit of work
(`SeenAggregates.remember`). `commit()` first calls `collect_new_events()`, which pulls the
events recorded by every aggregate seen since the last commit or rollback, in the order the
aggregates were seen; it stores them in the outbox in the same transaction as the data, commits,
and only then hands them to the queue. `rollback()` (also what leaving the `async with` block
without a commit does) drops the changes and forgets the seen aggregates and their events.
A unit of work may be entered again after it exits: each `async with` is a new transaction.
"""

from types import TracebackType
from typing import Protocol, Self

from domain.accounts.ports import UserRepository
from domain.availability.ports import AvailabilityRepository
from domain.domain_events import Aggregate, DomainEvent
from domain.google_sync.ports import GoogleRepository
from domain.jobs.ports import JobRepository
from domain.notifications.email import OutgoingEmailRepository
from domain.notifications.ports import NotificationPreferenceRepository, NotificationRepository, ReminderRepository
from domain.scheduling.calendar_feed import CalendarFeedRepository
from domain.scheduling.ports import CalendarRepository, EventRepository, RoomRepository


class UnitOfWork(Protocol):
    """One transaction: `async with uow: ...; await uow.commit()`; leaving without commit rolls back."""

    @property
    def users(self) -> UserRepository:
        """Registered users."""
        ...

    @property
    def calendars(self) -> CalendarRepository:
        """Calendars with their members."""
        ...

    @property
    def rooms(self) -> RoomRepository:
        """Meeting rooms."""
        ...

    @property
    def events(self) -> EventRepository:
        """Events with their participants and reminders."""
        ...

    @property
    def notifications(self) -> NotificationRepository:
        """Notifications of every user, numbered per user in commit order."""
        ...

    @property
    def notification_preferences(self) -> NotificationPreferenceRepository:
        """How each person wants each kind of news: in the app, by email, both or neither."""
        ...

    @property
    def emails(self) -> OutgoingEmailRepository:
        """Emails queued for sending, one per dedupe key."""
        ...

    @property
    def reminders(self) -> ReminderRepository:
        """Every person's reminders of every event."""
        ...

    @property
    def jobs(self) -> JobRepository:
        """Background jobs people follow (Google syncs)."""
        ...

    @property
    def feeds(self) -> CalendarFeedRepository:
        """Calendars' subscription feeds."""
        ...

    @property
    def google(self) -> GoogleRepository:
        """Google accounts, mirrored calendars and push channels."""
        ...

    @property
    def availability(self) -> AvailabilityRepository:
        """Working hours, out-of-office ranges, and busy time of people and rooms."""
        ...

    def reading(self) -> Self:
        """This unit of work for reads only, for its next `async with`: `async with uow.reading(): ...`.

        For use cases that only read. Each statement sees what was committed before it (no transaction
        holds them to one snapshot), which spares the round trips of beginning and ending one; nothing
        can be committed.
        """
        ...

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and end the transaction."""
        ...

    async def commit(self) -> None:
        """Store the collected domain events in the outbox, then commit everything at once."""
        ...

    async def rollback(self) -> None:
        """Drop uncommitted changes and the events recorded with them."""
        ...

    def collect_new_events(self) -> list[DomainEvent]:
        """Pull the events recorded by the aggregates seen since the last commit or rollback."""
        ...


class SeenAggregates:
    """The aggregates a unit of work's repositories were handed; implementations of the port share it."""

    def __init__(self) -> None:
        self._aggregates: dict[int, Aggregate] = {}

    def remember(self, aggregate: Aggregate) -> None:
        """Note that `aggregate` takes part in the current transaction."""
        self._aggregates.setdefault(id(aggregate), aggregate)

    def collect_new_events(self) -> list[DomainEvent]:
        """Pull every pending event, aggregate by aggregate in the order they were seen."""
        return [event for aggregate in self._aggregates.values() for event in aggregate.pull_events()]

    def forget(self) -> None:
        """Drop every aggregate, and the events they still hold, after a commit or rollback."""
        for aggregate in self._aggregates.values():
            aggregate.pull_events()
        self._aggregates.clear()
