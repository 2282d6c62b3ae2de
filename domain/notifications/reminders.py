"""Reminders: who is reminded of which occurrence of an event, when, and what to do with one that has come due.

An event's reminder offsets (minutes before its start) apply to its organizer and to every
participant who has not declined; for a series, to each occurrence with the answers given for
it. A reminder moves with its occurrence, vanishes when the event or the occurrence is
cancelled or the person declines (and comes back if they accept again), and is sent once. One
whose time passed while nothing ran is sent late, unless the occurrence is over by then.

A series has no end, so its reminders are planned only for the occurrences that start within
the longest offset plus REMINDER_LOOKAHEAD; a cron plans again as time goes by, rolling that
window forward. An all-day occurrence is a date: its reminders count from a time of day
(ALL_DAY_REMINDER_TIME) on that date in each person's own zone.
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.domain_events import DomainEvent
from domain.errors import NotFound
from domain.scheduling.domain_events import (
    EventCancelled,
    EventCreated,
    EventUpdated,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
)
from domain.scheduling.event import Event
from domain.scheduling.occurrence import Occurrence
from domain.scheduling.participant import ParticipantStatus

ReminderKey = tuple[UUID, datetime | None, UUID, int]
"""(event_id, recurrence_id, user_id, minutes): one reminder of one person of one occurrence."""

ALL_DAY_REMINDER_TIME = time(9, 0)
"""The time of day an all-day occurrence's reminders count from, in the person's zone (default)."""

REMINDER_LOOKAHEAD = timedelta(days=2)
"""How far past its longest offset a series' reminders are planned ahead; the planning cron runs well within it."""


@dataclass(frozen=True, kw_only=True)
class Reminder:
    """One person's reminder of one occurrence, due `minutes` before it starts; `sent_at` once it was sent.

    `recurrence_id` names the occurrence of a series (its original start); None for a single event.
    """

    event_id: UUID
    user_id: UUID
    minutes: int
    due_at: datetime
    sent_at: datetime | None = None
    recurrence_id: datetime | None = None

    @property
    def key(self) -> ReminderKey:
        """What tells this reminder apart from the event's others."""
        return (self.event_id, self.recurrence_id, self.user_id, self.minutes)


@dataclass(frozen=True)
class ReminderChanges:
    """What to store (new or moved reminders) and what to delete so an event's reminders match it."""

    upserts: tuple[Reminder, ...] = ()
    removals: tuple[Reminder, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.upserts or self.removals)


@dataclass(frozen=True, kw_only=True)
class ReminderTimes:
    """What reminder times depend on besides the event: each person's zone and the all-day time of day.

    A person whose zone is not known counts in the event's zone.
    """

    zones: Mapping[UUID, str] = field(default_factory=dict)
    all_day_time: time = ALL_DAY_REMINDER_TIME

    def zone_of(self, user_id: UUID, occurrence: Occurrence) -> str:
        """The zone in which the person's all-day reminders count."""
        return self.zones.get(user_id, occurrence.timezone)


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


def reminded_people(event: Event | Occurrence) -> tuple[UUID, ...]:
    """The organizer and every participant who has not declined (this occurrence), in that order, each once."""
    declined = {p.user_id for p in event.participants if p.status is ParticipantStatus.DECLINED}
    people = [event.organizer_id, *event.participant_ids]
    return tuple(dict.fromkeys(user_id for user_id in people if user_id not in declined))


def due_time(
    occurrence: Occurrence, minutes: int, *, zone: str, all_day_time: time = ALL_DAY_REMINDER_TIME
) -> datetime:
    """When the reminder `minutes` before the occurrence is due for a person in `zone`.

    A timed occurrence counts from its start; an all-day one from `all_day_time` on its first
    date in `zone` (a day's reminder of a 17 March holiday comes at 09:00 on 16 March there).
    """
    if occurrence.all_day and occurrence.start_date is not None:
        start = datetime.combine(occurrence.start_date, all_day_time, tzinfo=ZoneInfo(zone))
        return (start - timedelta(minutes=minutes)).astimezone(UTC)
    return occurrence.starts_at - timedelta(minutes=minutes)


def upcoming_occurrences(event: Event, *, as_of: datetime) -> list[Occurrence]:
    """The occurrences whose reminders are planned `as_of`: not over, and (for a series) starting soon enough.

    A single event's only occurrence, however far ahead; a series' occurrences that start before
    the longest offset plus REMINDER_LOOKAHEAD (a day more, for all-day dates read in any zone).
    """
    if event.is_cancelled or not event.reminders:
        return []
    if event.recurrence is None:
        (only,) = event.occurrences(before=as_of)
        return [only] if only.ends_at > as_of else []
    reach = as_of + timedelta(minutes=max(event.reminders)) + REMINDER_LOOKAHEAD
    if event.all_day:
        reach += timedelta(days=1)
    return [occurrence for occurrence in event.occurrences(before=reach) if occurrence.ends_at > as_of]


def occurrence_of(event: Event, recurrence_id: datetime | None) -> Occurrence | None:
    """The event's occurrence a reminder belongs to, or None if it has none such any more (cancelled, split off)."""
    if event.is_cancelled:
        return None
    if recurrence_id is None:
        if event.recurrence is not None:
            return None
        (only,) = event.occurrences(before=event.ends_at)
        return only
    try:
        return event.occurrence(recurrence_id)
    except NotFound:
        return None


def plan_reminders(
    event: Event | None, existing: Iterable[Reminder], *, as_of: datetime, times: ReminderTimes | None = None
) -> ReminderChanges:
    """The changes that make an event's stored reminders match the event as it stands after a change made `as_of`.

    A reminder that is due before the change that calls for it is not created (nobody asked to be
    reminded of the past); one that already existed keeps its place and is sent late if need be.
    `event` None (deleted) or cancelled leaves no reminder at all; an occurrence over by `as_of`
    (or cancelled, or declined) none for it.
    """
    times = times or ReminderTimes()
    stored = {reminder.key: reminder for reminder in existing}
    wanted: dict[ReminderKey, datetime] = {}
    if event is not None:
        for occurrence in upcoming_occurrences(event, as_of=as_of):
            for user_id in reminded_people(occurrence):
                zone = times.zone_of(user_id, occurrence)
                for minutes in event.reminders:
                    due_at = due_time(occurrence, minutes, zone=zone, all_day_time=times.all_day_time)
                    wanted[(event.id, occurrence.recurrence_id, user_id, minutes)] = due_at

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
        event_id, recurrence_id, user_id, minutes = key
        upserts.append(
            Reminder(event_id=event_id, recurrence_id=recurrence_id, user_id=user_id, minutes=minutes, due_at=due_at)
        )
    return ReminderChanges(upserts=tuple(upserts), removals=tuple(removals))


class ReminderOutcome(enum.Enum):
    """What becomes of a reminder that came due."""

    SEND = "send"
    DROP = "drop"
    POSTPONE = "postpone"


@dataclass(frozen=True)
class ReminderDecision:
    """The outcome, and the due time it holds for (the occurrence's current start minus the offset)."""

    outcome: ReminderOutcome
    due_at: datetime
    occurrence: Occurrence | None = None


def decide(
    reminder: Reminder,
    event: Event | None,
    *,
    now: datetime,
    zone: str | None = None,
    all_day_time: time = ALL_DAY_REMINDER_TIME,
) -> ReminderDecision:
    """Judge a due reminder against its occurrence as it is now, should its change not have been planned in yet.

    Dropped: the event or the occurrence is gone, cancelled or over, the offset was removed, or the
    person declined (this occurrence) or left. Postponed: the occurrence moved later, so the
    reminder is not due yet. Otherwise sent, late if need be. `zone` is the person's (for all-day dates).
    """
    occurrence = None if event is None else occurrence_of(event, reminder.recurrence_id)
    if (
        event is None
        or occurrence is None
        or occurrence.ends_at <= now
        or reminder.minutes not in event.reminders
        or reminder.user_id not in reminded_people(occurrence)
    ):
        return ReminderDecision(ReminderOutcome.DROP, reminder.due_at)
    due_at = due_time(occurrence, reminder.minutes, zone=zone or occurrence.timezone, all_day_time=all_day_time)
    if due_at > now:
        return ReminderDecision(ReminderOutcome.POSTPONE, due_at, occurrence)
    return ReminderDecision(ReminderOutcome.SEND, due_at, occurrence)


def sent(reminder: Reminder, *, at: datetime, due_at: datetime) -> Reminder:
    """The reminder, marked sent `at` for the due time it was sent for."""
    return replace(reminder, due_at=due_at, sent_at=at)


def postponed(reminder: Reminder, *, due_at: datetime) -> Reminder:
    """The reminder, due again at `due_at`."""
    return replace(reminder, due_at=due_at, sent_at=None)
