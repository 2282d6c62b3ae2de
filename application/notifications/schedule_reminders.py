"""Make an event's stored reminders match the event after a change: moved, cancelled, answered, re-invited."""

from application.notifications.dto import ScheduleReminders
from application.unit_of_work import UnitOfWork
from domain.notifications.reminders import ReminderChanges, plan_reminders


async def schedule_reminders(command: ScheduleReminders, *, uow: UnitOfWork) -> ReminderChanges:
    """Plan the event's reminders as the event stands now, for a change made `as_of`; answers what changed.

    The event stays locked meanwhile, so two plans of the same event (or a plan and an edit) queue
    up instead of undoing each other. Idempotent: planning again changes nothing.
    """
    event_id = command.event_id
    async with uow:
        event = await uow.events.get_for_update(event_id)
        existing = await uow.reminders.for_event(event_id)
        changes = plan_reminders(event, existing, as_of=command.as_of)
        if changes:
            await uow.reminders.remove_all(changes.removals)
            await uow.reminders.save_all(changes.upserts)
            await uow.commit()
    return changes
