"""Send the reminders that have come due: each exactly once, however many workers run this at once."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from uuid import UUID

from application.notifications.dto import SendDueReminders
from application.notifications.notify_about import store_notifications
from application.notifications.publishing import publish_created
from application.unit_of_work import UnitOfWork
from domain.accounts.user import User
from domain.clock import Clock
from domain.notifications.notification import NotificationDraft
from domain.notifications.ports import NotificationPublisher
from domain.notifications.reminders import (
    ALL_DAY_REMINDER_TIME,
    Reminder,
    ReminderOutcome,
    decide,
    postponed,
    sent,
)
from domain.notifications.rules import reminder_notification
from domain.scheduling.event import Event
from domain.scheduling.room import Room


@dataclass(frozen=True)
class RemindersSent:
    """What one run did with the due reminders it claimed."""

    sent: int = 0
    dropped: int = 0
    postponed: int = 0

    def __add__(self, other: "RemindersSent") -> "RemindersSent":
        return RemindersSent(self.sent + other.sent, self.dropped + other.dropped, self.postponed + other.postponed)


async def send_due_reminders(
    command: SendDueReminders,
    *,
    uow: UnitOfWork,
    publisher: NotificationPublisher,
    clock: Clock,
    all_day_time: time = ALL_DAY_REMINDER_TIME,
    email: bool = False,
) -> RemindersSent:
    """Claim due reminders batch by batch, store their notifications and mark them sent in the same commit.

    A claimed reminder is locked until its batch commits and skipped by every other run, and it
    leaves the due set in that commit (sent, dropped or postponed), so none is sent twice and
    each run ends. Reminders overdue because nothing ran are sent late, unless their occurrence is over.
    With `email`, a reminder is also emailed to whoever wants reminders by email.
    """
    total, batch_size = RemindersSent(), command.batch_size
    while True:
        async with uow:
            now = clock.now()
            due = await uow.reminders.claim_due(now, batch_size)
            if not due:
                break
            settled, drafts = await _settle(uow, due, now, all_day_time)
            stored, unread_counts = await store_notifications(uow, drafts, email=email)
            await uow.commit()
        await publish_created(publisher, stored, unread_counts)
        total += settled
        if len(due) < batch_size:
            break
    return total


async def _settle(
    uow: UnitOfWork, due: Sequence[Reminder], now: datetime, all_day_time: time
) -> tuple[RemindersSent, list[NotificationDraft]]:
    """Decide each claimed reminder against its occurrence as it is now, and write down the outcome."""
    known = _Lookups(uow)
    keep: list[Reminder] = []
    drop: list[Reminder] = []
    drafts: list[NotificationDraft] = []
    for reminder in due:
        event = await known.event(reminder.event_id)
        recipient = await known.user(reminder.user_id)
        zone = None if recipient is None else recipient.timezone
        decision = decide(reminder, event, now=now, zone=zone, all_day_time=all_day_time)
        occurrence = decision.occurrence
        if decision.outcome is ReminderOutcome.DROP or occurrence is None or recipient is None:
            drop.append(reminder)
        elif decision.outcome is ReminderOutcome.POSTPONE:
            keep.append(postponed(reminder, due_at=decision.due_at))
        else:
            room = await known.room(occurrence.room_id)
            drafts.append(reminder_notification(reminder, occurrence, recipient, room=room, now=now))
            keep.append(sent(reminder, at=now, due_at=decision.due_at))
    await uow.reminders.remove_all(drop)
    await uow.reminders.save_all(keep)
    postponed_count = sum(1 for reminder in keep if reminder.sent_at is None)
    return RemindersSent(sent=len(drafts), dropped=len(drop), postponed=postponed_count), drafts


class _Lookups:
    """Events, people and rooms read once per batch, however many reminders share them."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._events: dict[UUID, Event | None] = {}
        self._users: dict[UUID, User | None] = {}
        self._rooms: dict[UUID, Room | None] = {}

    async def event(self, event_id: UUID) -> Event | None:
        if event_id not in self._events:
            self._events[event_id] = await self._uow.events.get(event_id)
        return self._events[event_id]

    async def user(self, user_id: UUID) -> User | None:
        if user_id not in self._users:
            self._users[user_id] = await self._uow.users.get(user_id)
        return self._users[user_id]

    async def room(self, room_id: UUID | None) -> Room | None:
        if room_id is None:
            return None
        if room_id not in self._rooms:
            self._rooms[room_id] = await self._uow.rooms.get(room_id)
        return self._rooms[room_id]
