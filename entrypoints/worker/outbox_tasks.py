"""Tasks that carry committed domain events from the outbox to whoever acts on them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from saq.types import Context

from application.notifications.notify_about import notify_about
from application.notifications.schedule_reminders import schedule_reminders
from domain.notifications.reminders import event_with_changed_reminders
from entrypoints.worker.services import WorkerServices, services_of

log = structlog.get_logger(__name__)

PROCESSED_KEPT_FOR = timedelta(days=7)
"""Processed outbox messages are kept this long (to look into what happened), then purged."""
PURGE_BATCH = 10_000


async def act_on_outbox_message(services: WorkerServices, outbox_id: int) -> dict[str, Any]:
    """Tell people about the message's domain event, re-plan the reminders it touches, then mark it processed.

    Each step is idempotent, so a job killed half-way and run again finishes the work exactly once.
    """
    message = await services.outbox.unprocessed_message(outbox_id)
    if message is None:
        return {"outbox_id": outbox_id, "status": "already_processed"}
    event = message.event
    notified = await notify_about(event, uow=services.unit_of_work(), publisher=services.publisher)
    reminders_changed = 0
    event_id = event_with_changed_reminders(event)
    if event_id is not None:
        changes = await schedule_reminders(event_id, as_of=event.occurred_at, uow=services.unit_of_work())
        reminders_changed = len(changes.upserts) + len(changes.removals)
    await services.outbox.mark_processed(outbox_id)
    log.info("outbox.processed", outbox_id=outbox_id, domain_event=event.name, notified=len(notified))
    return {
        "outbox_id": outbox_id,
        "status": "processed",
        "event": event.name,
        "notified": len(notified),
        "reminders_changed": reminders_changed,
    }


async def dispatch_outbox_message(ctx: Context, *, outbox_id: int) -> dict[str, Any]:
    """Act on an outbox message that has no task of its own (e.g. event_created plans reminders)."""
    return await act_on_outbox_message(services_of(ctx), outbox_id)


async def sweep_outbox(ctx: Context) -> dict[str, Any]:
    """Cron: hand over what no relay did (none listening) and what the queue lost; purge old messages."""
    services = services_of(ctx)
    handed_over = await services.hand_over.sweep()
    purged = await services.outbox.purge_processed(older_than=PROCESSED_KEPT_FOR, limit=PURGE_BATCH)
    return {"handed_over": handed_over, "purged": purged}
