"""Notification tasks: thin wrappers that hand their arguments to the notification use cases.

The notify_* tasks act on one outbox message each (job key `outbox:{id}`); they share one body
and differ in name so the queue monitor shows what each job is about.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from saq.types import Context

from application.notifications.create_notification import create_notification as store_and_publish
from application.notifications.dto import SendDueReminders
from application.notifications.send_due_reminders import send_due_reminders
from domain.notifications.notification import NotificationDraft, NotificationType
from entrypoints.worker.context import container_of
from entrypoints.worker.outbox_tasks import act_on


async def notify_event_invited(ctx: Context, *, outbox_id: int) -> dict[str, Any]:
    """Tell an invitee about their invitation (a participant_invited outbox message)."""
    return await act_on(ctx, outbox_id)


async def notify_event_updated(ctx: Context, *, outbox_id: int) -> dict[str, Any]:
    """Tell the organizer and participants that the time, room, title or location changed."""
    return await act_on(ctx, outbox_id)


async def notify_event_cancelled(ctx: Context, *, outbox_id: int) -> dict[str, Any]:
    """Tell the organizer and participants that the event was called off."""
    return await act_on(ctx, outbox_id)


async def notify_participant_response(ctx: Context, *, outbox_id: int) -> dict[str, Any]:
    """Tell the organizer how an invitee answered."""
    return await act_on(ctx, outbox_id)


async def send_email(ctx: Context, *, outbox_id: int) -> dict[str, Any]:
    """Send one queued email (an email_queued outbox message): invitation, change, cancellation or reminder."""
    return await act_on(ctx, outbox_id)


async def create_notification(
    ctx: Context,
    *,
    user_id: str,
    type: str,
    title: str,
    message: str,
    dedupe_key: str,
    event_id: str | None = None,
    scheduled_for: str | None = None,
) -> dict[str, Any]:
    """Store one notification (once per dedupe key) and publish it."""
    services = container_of(ctx)
    draft = NotificationDraft(
        user_id=UUID(user_id),
        type=NotificationType(type),
        title=title,
        message=message,
        event_id=None if event_id is None else UUID(event_id),
        dedupe_key=dedupe_key,
        scheduled_for=None if scheduled_for is None else datetime.fromisoformat(scheduled_for),
    )
    stored = await store_and_publish(draft, uow=services.unit_of_work(), publisher=services.publisher)
    if stored is None:
        return {"dedupe_key": dedupe_key, "status": "stored_before"}
    return {"dedupe_key": dedupe_key, "status": "stored", "notification_id": str(stored.id), "seq": stored.seq}


SENDING_FOR_AT_MOST = timedelta(seconds=40)
"""A run claims no new batch after this long, well inside its job's 55 s timeout: the next minute's run
takes what is left."""
REMINDER_SHARERS = 3
"""Jobs queued to share a burst of due reminders with the cron's run: every worker free takes one."""
SHARE_REMINDERS_TASK = "share_due_reminders"


async def send_scheduled_reminders(ctx: Context) -> dict[str, Any]:
    """Cron, every minute: send every reminder that has come due (late ones too, unless their event is over).

    When more are due than one batch holds, it queues REMINDER_SHARERS `share_due_reminders` jobs, so
    that other workers claim batches beside it (SKIP LOCKED keeps each reminder to one of them).
    """
    services = container_of(ctx)

    async def share_out() -> None:
        minute = services.clock.now().strftime("%Y%m%d%H%M")
        for n in range(REMINDER_SHARERS):
            # Keyed by minute: a burst queues its sharers once, and next minute's burst queues its own.
            await services.connections.queue.enqueue(
                SHARE_REMINDERS_TASK, key=f"reminders:share:{minute}:{n}", timeout=55, retries=1
            )

    return await _send_due(ctx, on_backlog=share_out)


async def share_due_reminders(ctx: Context) -> dict[str, Any]:
    """Claim and send due reminders beside the cron's run, until none are left."""
    return await _send_due(ctx, on_backlog=None)


async def _send_due(ctx: Context, *, on_backlog: Callable[[], Awaitable[None]] | None) -> dict[str, Any]:
    services = container_of(ctx)
    run = await send_due_reminders(
        SendDueReminders(),
        uow=services.unit_of_work(),
        publisher=services.publisher,
        clock=services.clock,
        all_day_time=services.settings.all_day_reminder_time,
        email=services.mail is not None,
        on_backlog=on_backlog,
        stop_after=SENDING_FOR_AT_MOST,
    )
    return {"sent": run.sent, "dropped": run.dropped, "postponed": run.postponed}
