"""The unit of work the notification use cases need: the scheduling one, plus reminders."""

from typing import Protocol

from application.unit_of_work import UnitOfWork
from domain.notifications.ports import ReminderRepository


class DeliveryUnitOfWork(UnitOfWork, Protocol):
    """One transaction over users, events, notifications and reminders."""

    @property
    def reminders(self) -> ReminderRepository:
        """Every person's reminders of every event."""
        ...
