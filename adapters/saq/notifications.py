"""Asking a worker to tell someone something: a create_notification job per notification."""

from typing import Any

from adapters.saq.outbox import RETRIED
from domain.notifications.notification import NotificationDraft

CREATE_NOTIFICATION_TASK = "create_notification"


def notification_job_key(draft: NotificationDraft) -> str:
    """The job key of a draft: the same notification asked for twice while queued is one job."""
    return f"notification:{draft.dedupe_key}"


async def enqueue_notification(queue: Any, draft: NotificationDraft) -> bool:
    """Queue the draft for a worker to store and publish; False if the same one is queued already."""
    job = await queue.enqueue(
        CREATE_NOTIFICATION_TASK,
        key=notification_job_key(draft),
        user_id=str(draft.user_id),
        type=draft.type.value,
        title=draft.title,
        message=draft.message,
        dedupe_key=draft.dedupe_key,
        event_id=None if draft.event_id is None else str(draft.event_id),
        scheduled_for=None if draft.scheduled_for is None else draft.scheduled_for.isoformat(),
        **RETRIED,
    )
    return job is not None
