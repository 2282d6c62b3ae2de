"""An office to run use cases in: people, rooms and events created through the use cases themselves."""

import itertools
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from application.accounts.dto import PromoteUser, RegisterUser
from application.accounts.promote_user import promote_user
from application.accounts.register_user import register_user
from application.scheduling.create_event import create_event
from application.scheduling.create_room import create_room
from application.scheduling.dto import CreateEvent, CreateRoom
from domain.accounts.user import User
from domain.domain_events import DomainEvent
from domain.scheduling.event import Event, NewEvent
from domain.scheduling.room import Room
from tests.fakes.clock import ManualClock
from tests.fakes.passwords import FakePasswordHasher
from tests.fakes.unit_of_work import FakeDatabase, FakeUnitOfWork
from tests.unit.scheduling.factories import NOW, at

PASSWORD = "correct horse battery staple"


class Office:
    """A planner in memory, with the fakes its use cases need."""

    def __init__(self) -> None:
        self.database = FakeDatabase()
        self.uow = FakeUnitOfWork(self.database)
        self.clock = ManualClock(NOW)
        self.hasher = FakePasswordHasher()
        self._numbers = itertools.count(1)
        self._admin: User | None = None

    async def person(self, **overrides: Any) -> User:
        """Register someone (the first one registered becomes the administrator)."""
        number = next(self._numbers)
        fields: dict[str, Any] = {"email": f"colleague{number}@example.com", "name": f"Colleague {number}"}
        command = RegisterUser(password=PASSWORD, **(fields | overrides))
        return await register_user(command, uow=self.uow, hasher=self.hasher, clock=self.clock)

    async def admin(self) -> User:
        """Return an administrator, registering (and, if others came first, promoting) one on first use."""
        if self._admin is None:
            admin = await self.person(name="Admin")
            if not admin.is_admin:
                admin = await promote_user(PromoteUser(email=admin.email), uow=self.uow, clock=self.clock)
            self._admin = admin
        return self._admin

    async def room(self, **overrides: Any) -> Room:
        """Create a room as the administrator."""
        admin = await self.admin()
        fields: dict[str, Any] = {"name": f"Room {next(self._numbers)}", "capacity": 6}
        return await create_room(CreateRoom(actor_id=admin.id, **(fields | overrides)), uow=self.uow, clock=self.clock)

    async def event(
        self,
        organizer: User,
        *,
        calendar_id: UUID | None = None,
        participants: Sequence[str] = (),
        **overrides: Any,
    ) -> Event:
        """Create a one-hour event on Monday at 10:00 UTC in the organizer's personal calendar."""
        fields: dict[str, Any] = {"title": "Planning", "starts_at": at(10), "ends_at": at(11)}
        wanted = NewEvent(**(fields | overrides))
        command = CreateEvent(actor_id=organizer.id, event=wanted, calendar_id=calendar_id, participants=participants)
        return await create_event(command, uow=self.uow, clock=self.clock)

    def events_named(self, name: str) -> list[DomainEvent]:
        """Return the committed domain events with this name, oldest first."""
        return [event for event in self.database.committed_events if event.name == name]

    def forget_events(self) -> None:
        """Clear the committed events, so a test sees only what its own step caused."""
        self.database.committed_events.clear()
