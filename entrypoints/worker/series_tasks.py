"""Crons that keep series ahead of time: occurrences stored up to the horizon, reminders planned a window ahead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from saq.types import Context

from application.notifications.dto import PlanUpcomingReminders
from application.notifications.schedule_reminders import plan_upcoming_reminders
from application.scheduling.extend_horizons import ExtendSeriesHorizons, extend_series_horizons
from entrypoints.worker.context import container_of


async def extend_occurrence_horizons(ctx: Context) -> dict[str, Any]:
    """Cron, daily: store every series' occurrences up to OCCURRENCE_HORIZON_DAYS from now (rooms taken: declined)."""
    services = container_of(ctx)
    command = ExtendSeriesHorizons(horizon=timedelta(days=services.settings.occurrence_horizon_days))
    run = await extend_series_horizons(command, uow=services.unit_of_work(), clock=services.clock)
    return {"series": run.series, "rooms_declined": run.rooms_declined, "failed": run.failed}


async def plan_series_reminders(ctx: Context) -> dict[str, Any]:
    """Cron, hourly: plan the reminders of series' coming occurrences, rolling each series' window forward."""
    services = container_of(ctx)
    changed = await plan_upcoming_reminders(
        PlanUpcomingReminders(as_of=services.clock.now()),
        uow=services.unit_of_work(),
        all_day_time=services.settings.all_day_reminder_time,
    )
    return {"reminders_changed": changed}
