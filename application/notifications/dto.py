"""The notification commands: what a person asks to be done with their notifications."""

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class ReadNotification:
    """Mark one of the actor's notifications read."""

    notification_id: UUID
    actor_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReadAllNotifications:
    """Mark every notification of the actor read."""

    actor_id: UUID
