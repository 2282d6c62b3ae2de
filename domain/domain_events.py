"""Domain events: facts in the past tense that aggregates record; the outbox adapter stores them."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every domain event; subclasses set `name`, the key stored in the outbox."""

    name: ClassVar[str] = "domain_event"

    occurred_at: datetime
    affected_user_ids: tuple[UUID, ...] = ()
    """The users to tell about it; whoever caused it is left out."""


@dataclass(kw_only=True, eq=False)
class Aggregate:
    """An entity that records the domain events its changes cause, until a unit of work pulls them."""

    _recorded: list[DomainEvent] = field(default_factory=list, init=False, repr=False, compare=False)

    def record(self, event: DomainEvent) -> None:
        """Remember that `event` happened to this aggregate."""
        self._recorded.append(event)

    @property
    def pending_events(self) -> tuple[DomainEvent, ...]:
        """The events recorded and not pulled yet."""
        return tuple(self._recorded)

    def pull_events(self) -> list[DomainEvent]:
        """Hand over the recorded events, oldest first, and forget them."""
        events, self._recorded = self._recorded, []
        return events
