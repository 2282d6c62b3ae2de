"""Repositories of the scheduling aggregates on PostgreSQL: one module per aggregate."""

from adapters.postgres.repositories.calendars import SqlCalendarRepository
from adapters.postgres.repositories.events import SqlEventRepository
from adapters.postgres.repositories.notifications import SqlNotificationRepository
from adapters.postgres.repositories.reminders import SqlReminderRepository
from adapters.postgres.repositories.rooms import SqlRoomRepository
from adapters.postgres.repositories.users import SqlUserRepository

__all__ = [
    "SqlCalendarRepository",
    "SqlEventRepository",
    "SqlNotificationRepository",
    "SqlReminderRepository",
    "SqlRoomRepository",
    "SqlUserRepository",
]
