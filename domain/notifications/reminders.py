"""Reminders: who is reminded of an event, when, and what to do with one that has come due.

An event's reminder offsets (minutes before its start) apply to its organizer and to every
participant who has not declined. A reminder moves with its event, vanishes when the event is
cancelled or the person declines (and comes back if they accept again), and is sent once. One
whose time passed while nothing ran is sent late, unless the event is over by then.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from domain.domain_events import DomainEvent
from domain.scheduling.domain_events import (
    EventCancelled,
    EventCreated,
    EventUpdated,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
)
from domain.scheduling.event import Event
from domain.scheduling.participant import ParticipantStatus

ReminderKey = tuple[UUID, UUID, int]
"""(event_id, user_id, minutes): one reminder of one person."""


@dataclass(frozen=True, kw_only=True)
class Reminder:
    """One person's reminder of one event, due `minutes` before it starts; `sent_at` once it was sent."""

    event_id: UUID
    user_id: UUID
    minutes: int
    due_at: datetime
    sent_at: datetime | None = None

    @property
    def key(self) -> ReminderKey:
        """What tells this reminder apart from the event's others."""
        return (self.event_id, self.user_id, self.minutes)


@dataclass(frozen=True)
class ReminderChanges:
    """What to store (new or moved reminders) and what to delete so an event's reminders match it."""

    upserts: tuple[Reminder, ...] = ()
    removals: tuple[Reminder, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.upserts or self.removals)


_CHANGES_REMINDERS = (
    EventCreated,
    EventUpdated,
    EventCancelled,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
)


def event_with_changed_reminders(event: DomainEvent) -> UUID | None:
    """The event whose reminders `event` may have changed (its time, offsets, guests or answers), if any."""
    if isinstance(event, _CHANGES_REMINDERS):
        return event.event_id
    return None


def reminded_people(event: Event) -> tuple[UUID, ...]:
    """The organizer and every participant who has not declined, in that order, each once."""
    declined = {p.user_id for p in event.participants if p.status is ParticipantStatus.DECLINED}
    people = [event.organizer_id, *event.participant_ids]
    return tuple(dict.fromkeys(user_id for user_id in people if user_id not in declined))


def due_time(event: Event, minutes: int) -> datetime:
    """When the reminder `minutes` before the event's start is due."""
    return event.starts_at - timedelta(minutes=minutes)


def plan_reminders(event: Event | None, existing: Iterable[Reminder], *, as_of: datetime) -> ReminderChanges:
    """The changes that make an event's stored reminders match the event as it stands after a change made `as_of`.

    A reminder that is due before the change that calls for it is not created (nobody asked to be
    reminded of the past); one that already existed keeps its place and is sent late if need be.
    `event` None (deleted), cancelled or over by `as_of` leaves no reminder at all.
    """
    stored = {reminder.key: reminder for reminder in existing}
    wanted: dict[ReminderKey, datetime] = {}
    if event is not None and not event.is_cancelled and event.ends_at > as_of:
        for user_id in reminded_people(event):
            for minutes in event.reminders:
                wanted[(event.id, user_id, minutes)] = due_time(event, minutes)

    removals = [reminder for key, reminder in stored.items() if key not in wanted]
    upserts: list[Reminder] = []
    for key, due_at in wanted.items():
        current = stored.get(key)
        if current is not None and current.due_at == due_at:
            continue
        if due_at < as_of:
            if current is not None:
                removals.append(current)  # moved to a time already past when the move was made
            continue
        event_id, user_id, minutes = key
        upserts.append(Reminder(event_id=event_id, user_id=user_id, minutes=minutes, due_at=due_at))
    return ReminderChanges(upserts=tuple(upserts), removals=tuple(removals))


class ReminderOutcome(enum.Enum):
    """What becomes of a reminder that came due."""

    SEND = "send"
    DROP = "drop"
    POSTPONE = "postpone"


@dataclass(frozen=True)
class ReminderDecision:
    """The outcome, and the due time it holds for (the event's current start minus the offset)."""

    outcome: ReminderOutcome
    due_at: datetime


def decide(reminder: Reminder, event: Event | None, *, now: datetime) -> ReminderDecision:
    """Judge a due reminder against the event as it is now, should its change not have been planned in yet.

    Dropped: the event is gone, cancelled or over, the offset was removed, or the person declined
    or left. Postponed: the event moved later, so the reminder is not due yet. Otherwise sent,
    late if need be.
    """
    if (
        event is None
        or event.is_cancelled
        or event.ends_at <= now
        or reminder.minutes not in event.reminders
        or reminder.user_id not in reminded_people(event)
    ):
        return ReminderDecision(ReminderOutcome.DROP, reminder.due_at)
    due_at = due_time(event, reminder.minutes)
    if due_at > now:
        return ReminderDecision(ReminderOutcome.POSTPONE, due_at)
    return ReminderDecision(ReminderOutcome.SEND, due_at)


def sent(reminder: Reminder, *, at: datetime, due_at: datetime) -> Reminder:
    """The reminder, marked sent `at` for the due time it was sent for."""
    return replace(reminder, due_at=due_at, sent_at=at)


def postponed(reminder: Reminder, *, due_at: datetime) -> Reminder:
    """The reminder, due again at `due_at`."""
    return replace(reminder, due_at=due_at, sent_at=None)
