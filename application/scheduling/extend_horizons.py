"""Extend every series' stored occurrences as time goes by, so an endless series keeps holding its room ahead."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import structlog

from application.unit_of_work import UnitOfWork
from domain.clock import Clock

log = structlog.get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class ExtendSeriesHorizons:
    """Store every series' occurrences up to `horizon` from now."""

    horizon: timedelta


@dataclass(frozen=True)
class HorizonsExtended:
    """What one run did: how many series it looked at, and how many occurrences it stored without their room."""

    series: int = 0
    rooms_declined: int = 0
    failed: int = 0


async def extend_series_horizons(command: ExtendSeriesHorizons, *, uow: UnitOfWork, clock: Clock) -> HorizonsExtended:
    """Store each series' occurrences up to `horizon` from now; an occurrence whose room is taken by then keeps none.

    Each series in a transaction of its own, locked meanwhile. The database refuses any double
    booking; the series then declines that occurrence's room (an override the organizer is told
    of, `room_declined`), so nothing is ever booked twice and no occurrence is dropped.
    """
    now = clock.now()
    until = now + command.horizon
    async with uow:
        candidates = await uow.events.series_to_extend(now, until)
    declined_total = failed = 0
    for event_id in candidates:
        try:
            declined = await _extend_one(uow, event_id, until=until, now=now)
        except Exception:  # one series that fails must not keep the others from their horizon
            log.exception("series.horizon_not_extended", event_id=str(event_id))
            failed += 1
            continue
        declined_total += declined
        if declined:
            log.info("series.rooms_declined", event_id=str(event_id), occurrences=declined)
    return HorizonsExtended(series=len(candidates), rooms_declined=declined_total, failed=failed)


async def _extend_one(uow: UnitOfWork, event_id: UUID, *, until: datetime, now: datetime) -> int:
    """Extend one series in a transaction of its own; answers how many of its occurrences lost their room."""
    async with uow:
        event = await uow.events.get_for_update(event_id)
        if event is None or event.is_cancelled or event.recurrence is None:
            return 0
        declined = await uow.events.extend_occurrences(event, until=until)
        for recurrence_id in declined:
            event.decline_room(recurrence_id, now=now)
        if declined:
            await uow.events.save(event)
        await uow.commit()
    return len(declined)
