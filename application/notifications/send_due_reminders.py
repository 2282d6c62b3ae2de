"""Send the reminders that have come due: each exactly once, however many workers run this at once."""

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as time_of_day
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
from domain.scheduling.occurrence import Occurrence
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
    all_day_time: time_of_day = ALL_DAY_REMINDER_TIME,
    email: bool = False,
    on_backlog: Callable[[], Awaitable[None]] | None = None,
    stop_after: timedelta | None = None,
) -> RemindersSent:
    """Claim due reminders batch by batch, store their notifications and mark them sent in the same commit.

    A claimed reminder is locked until its batch commits and skipped by every other run, and it
    leaves the due set in that commit (sent, dropped or postponed), so none is sent twice and
    each run ends. Reminders overdue because nothing ran are sent late, unless their occurrence is over.
    With `email`, a reminder is also emailed to whoever wants reminders by email.

    A batch costs a fixed number of statements however many reminders it holds (their events,
    people and rooms are read at once, the notifications stored at once), and its notifications are
    published in one go after the commit. `on_backlog` is called once, when a first batch comes back
    full: more are waiting, and other runs (on other workers) may share them out. With `stop_after`,
    no batch is claimed once that much time has passed: what is left is the next run's (the job's
    timeout never cuts a batch short).
    """
    total, batch_size = RemindersSent(), command.batch_size
    deadline = None if stop_after is None else time.monotonic() + stop_after.total_seconds()
    while deadline is None or time.monotonic() < deadline:
        async with uow:
            now = clock.now()
            due = await uow.reminders.claim_due(now, batch_size)
            if not due:
                break
            settled, drafts = await _settle(uow, due, now, all_day_time)
            stored, unread_counts = await store_notifications(uow, drafts, email=email)
            await uow.commit()
        await publish_created(publisher, stored, unread_counts, uow=uow)
        total += settled
        if len(due) < batch_size:
            break
        if on_backlog is not None:
            await on_backlog()
            on_backlog = None
    return total


async def _settle(
    uow: UnitOfWork, due: Sequence[Reminder], now: datetime, all_day_time: time_of_day
) -> tuple[RemindersSent, list[NotificationDraft]]:
    """Decide each claimed reminder against its occurrence as it is now, and write down the outcome."""
    events = {event.id: event for event in await uow.events.find({reminder.event_id for reminder in due})}
    people = {person.id: person for person in await uow.users.find(ids={reminder.user_id for reminder in due})}
    keep: list[Reminder] = []
    drop: list[Reminder] = []
    to_send: list[tuple[Reminder, Occurrence, User, datetime]] = []
    for reminder in due:
        recipient = people.get(reminder.user_id)
        zone = None if recipient is None else recipient.timezone
        decision = decide(reminder, events.get(reminder.event_id), now=now, zone=zone, all_day_time=all_day_time)
        occurrence = decision.occurrence
        if decision.outcome is ReminderOutcome.DROP or occurrence is None or recipient is None:
            drop.append(reminder)
        elif decision.outcome is ReminderOutcome.POSTPONE:
            keep.append(postponed(reminder, due_at=decision.due_at))
        else:
            to_send.append((reminder, occurrence, recipient, decision.due_at))
    room_ids = {occurrence.room_id for _, occurrence, _, _ in to_send if occurrence.room_id is not None}
    rooms: dict[UUID, Room] = {room.id: room for room in await uow.rooms.find(room_ids)} if room_ids else {}
    drafts: list[NotificationDraft] = []
    for reminder, occurrence, recipient, due_at in to_send:
        room = None if occurrence.room_id is None else rooms.get(occurrence.room_id)
        drafts.append(reminder_notification(reminder, occurrence, recipient, room=room, now=now))
        keep.append(sent(reminder, at=now, due_at=due_at))
    await uow.reminders.remove_all(drop)
    await uow.reminders.save_all(keep)
    postponed_count = sum(1 for reminder in keep if reminder.sent_at is None)
    return RemindersSent(sent=len(drafts), dropped=len(drop), postponed=postponed_count), drafts
