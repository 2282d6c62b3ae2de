"""The notification commands: what a person asks to be done with their notifications, and what the worker does."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

REMINDERS_PER_BATCH = 500
"""Reminders claimed per transaction: enough that a batch costs little per reminder (a few statements
for the whole batch), few enough that concurrent runs share a burst between them."""


@dataclass(frozen=True, kw_only=True)
class ReadNotification:
    """Mark one of the actor's notifications read."""

    notification_id: UUID
    actor_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReadAllNotifications:
    """Mark every notification of the actor read."""

    actor_id: UUID


@dataclass(frozen=True, kw_only=True)
class ScheduleReminders:
    """Make the event's stored reminders match the event as it stands now, after a change made `as_of`."""

    event_id: UUID
    as_of: datetime


@dataclass(frozen=True, kw_only=True)
class PlanUpcomingReminders:
    """Plan the reminders of every series with an occurrence come within reach, as of `as_of`."""

    as_of: datetime


@dataclass(frozen=True, kw_only=True)
class SendDueReminders:
    """Send every reminder that has come due, claiming `batch_size` per transaction."""

    batch_size: int = REMINDERS_PER_BATCH


@dataclass(frozen=True, kw_only=True)
class ChooseNotificationPreferences:
    """Set the actor's channels for the kinds named (`{"event_invited": ["in_app", "email"]}`); others stay."""

    actor_id: UUID
    choices: dict[str, list[str]]
