"""SAQ tasks of outgoing webhooks: send deliveries, sweep the due ones, prune the delivery log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from saq.types import Context

from application.webhooks.send_deliveries import (
    prune_delivery_log,
    send_deliveries,
    send_due_deliveries,
    send_due_now,
)
from entrypoints.worker.context import container_of


async def send_webhook_deliveries(ctx: Context, *, delivery_ids: list[str] | None = None) -> dict[str, Any]:
    """With ids (a retry's job): one attempt of each of them that is due. Without (adapters/saq/webhooks.py's
    send_now): one attempt of every delivery due, new ones, ones sent again, retries, in batches."""
    container = container_of(ctx)
    if not delivery_ids:
        run = await send_due_now(ports=container.webhooks.ports)
        return {"attempted": run.attempted, "delivered": run.delivered, "disabled": run.disabled, "more": run.more_due}
    run = await send_deliveries([UUID(delivery_id) for delivery_id in delivery_ids], ports=container.webhooks.ports)
    return {"attempted": run.attempted, "delivered": run.delivered, "disabled": run.disabled}


async def send_due_webhooks(ctx: Context) -> dict[str, Any]:
    """Cron, every minute: send every delivery that came due without a job (lost jobs, a worker that died)."""
    run = await send_due_deliveries(ports=container_of(ctx).webhooks.ports)
    return {"attempted": run.attempted, "delivered": run.delivered, "disabled": run.disabled}


async def prune_webhook_deliveries(ctx: Context) -> dict[str, Any]:
    """Cron, hourly: forget deliveries and their log after 14 days."""
    container = container_of(ctx)
    return {"pruned": await prune_delivery_log(store=container.webhooks.store, clock=container.clock)}
