"""Make an event's stored reminders match the event after a change: moved, cancelled, answered, re-invited.

Series are planned a window ahead (domain/notifications/reminders.py); `plan_upcoming_reminders`
is the cron that rolls that window forward.
"""

from datetime import time
from uuid import UUID

from application.notifications.dto import PlanUpcomingReminders, ScheduleReminders
from application.unit_of_work import UnitOfWork
from domain.notifications.reminders import (
    ALL_DAY_REMINDER_TIME,
    REMINDER_LOOKAHEAD,
    ReminderChanges,
    ReminderTimes,
    plan_reminders,
    reminded_people,
    upcoming_occurrences,
)


async def schedule_reminders(
    command: ScheduleReminders, *, uow: UnitOfWork, all_day_time: time = ALL_DAY_REMINDER_TIME
) -> ReminderChanges:
    """Plan the event's reminders as the event stands now, for a change made `as_of`; answers what changed.

    The event stays locked meanwhile, so two plans of the same event (or a plan and an edit) queue
    up instead of undoing each other. Idempotent: planning again changes nothing.
    """
    event_id, as_of = command.event_id, command.as_of
    async with uow:
        event = await uow.events.get_for_update(event_id)
        existing = await uow.reminders.for_event(event_id)
        zones: dict[UUID, str] = {}
        if event is not None and event.all_day:
            people = {user_id for o in upcoming_occurrences(event, as_of=as_of) for user_id in reminded_people(o)}
            zones = {user.id: user.timezone for user in await uow.users.find(ids=people)} if people else {}
        changes = plan_reminders(
            event, existing, as_of=as_of, times=ReminderTimes(zones=zones, all_day_time=all_day_time)
        )
        if changes:
            await uow.reminders.remove_all(changes.removals)
            await uow.reminders.save_all(changes.upserts)
            await uow.commit()
    return changes


async def plan_upcoming_reminders(
    command: PlanUpcomingReminders, *, uow: UnitOfWork, all_day_time: time = ALL_DAY_REMINDER_TIME
) -> int:
    """Plan the reminders of every series with an occurrence come within reach and not planned; answers the changes.

    Run regularly (well within REMINDER_LOOKAHEAD), it rolls each series' window of planned
    reminders forward, so their rows exist for days ahead, never for years; planning a series
    again also drops the rows of its occurrences that are over.
    """
    as_of = command.as_of
    async with uow:
        series = await uow.reminders.series_needing_reminders(as_of, REMINDER_LOOKAHEAD)
    changed = 0
    for event_id in series:
        changes = await schedule_reminders(
            ScheduleReminders(event_id=event_id, as_of=as_of), uow=uow, all_day_time=all_day_time
        )
        changed += len(changes.upserts) + len(changes.removals)
    return changed
