"""Tasks that carry committed domain events from the outbox to whoever acts on them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from saq.types import Context

from application.handlers import act_on_outbox_message
from application.notifications.publishing import publish_unpublished
from entrypoints.worker.context import container_of

log = structlog.get_logger(__name__)

PROCESSED_KEPT_FOR = timedelta(days=7)
"""Processed outbox messages are kept this long (to look into what happened), then purged."""
PURGE_BATCH = 10_000


async def act_on(ctx: Context, outbox_id: int) -> dict[str, Any]:
    """Run the reactions application/handlers.py lists for the message's domain event (every outbox task does)."""
    container = container_of(ctx)
    return await act_on_outbox_message(
        outbox_id,
        outbox=container.outbox,
        unit_of_work=container.unit_of_work,
        publisher=container.publisher,
        all_day_reminder_time=container.settings.all_day_reminder_time,
        mail=container.mail,
        webhooks=container.webhooks.planning,
        google_writes=container.google.writes if container.google.configured else None,
    )


async def dispatch_outbox_message(ctx: Context, *, outbox_id: int) -> dict[str, Any]:
    """Act on an outbox message that has no task of its own (e.g. event_created plans reminders)."""
    return await act_on(ctx, outbox_id)


async def sweep_outbox(ctx: Context) -> dict[str, Any]:
    """Cron: hand over what no relay did (none listening) and what the queue lost; purge old messages;
    publish the notifications whose worker died (or whose Redis failed) between commit and publish."""
    services = container_of(ctx)
    handed_over = await services.hand_over.sweep()
    purged = await services.outbox.purge_processed(older_than=PROCESSED_KEPT_FOR, limit=PURGE_BATCH)
    republished = await publish_unpublished(uow=services.unit_of_work(), publisher=services.publisher)
    return {"handed_over": handed_over, "purged": purged, "republished": republished}
