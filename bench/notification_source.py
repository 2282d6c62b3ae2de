"""Notifications stored and published from the benchmark process, exactly as a worker does, each commit timed."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from bench.delivery import DeliveryLog
from bench.errors import BenchmarkFailed
from domain.notifications.notification import NotificationDraft, NotificationType
from entrypoints.bootstrap import Container


def bench_draft(user_id: str, dedupe_key: str) -> NotificationDraft:
    """An invitation, as workers store them, under a dedupe key of this run."""
    return NotificationDraft(
        user_id=UUID(user_id),
        type=NotificationType.EVENT_INVITED,
        title="Invitation: Load test",
        message="You are invited to Load test, Monday 10:00-11:00 UTC.",
        event_id=None,
        dedupe_key=dedupe_key,
    )


@dataclass(frozen=True)
class Pace:
    sent: int
    seconds: float
    late_by_ms: float  # the most any notification started after its turn (the source itself falling behind)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


class NotificationSource:
    """Stores a notification and publishes it on the user's channel, with the worker's own adapters."""

    def __init__(self, services: Container, tag: str) -> None:
        self._services = services
        self._keys = (f"bench-{tag}:live:{n}" for n in itertools.count())

    async def notify(self, user_id: str, *, copies: int, log: DeliveryLog) -> None:
        """Store one for `user_id` (who has `copies` open streams), note its commit time in `log`, publish it."""
        draft = bench_draft(user_id, next(self._keys))
        uow = self._services.unit_of_work()
        async with uow:
            stored = await uow.notifications.add(draft)
            unread = await uow.notifications.unread_count(draft.user_id)
            await uow.commit()
        if stored is None:
            raise BenchmarkFailed(f"notification {draft.dedupe_key} was stored before: is another benchmark running?")
        log.expect(str(stored.id), time.perf_counter(), copies)
        await self._services.publisher.notification_created(stored, unread)

    async def at_steady_rate(
        self, recipients: Sequence[tuple[str, int]], *, rate: float, seconds: float, log: DeliveryLog
    ) -> Pace:
        """Notify random (user id, open streams) at `rate` per second for `seconds`, each in a task of its own,
        so that a slow commit does not hold up the next one."""
        rng = random.Random(5)
        count = max(1, round(rate * seconds))
        started = time.perf_counter()
        late = 0.0
        sending: list[asyncio.Task[None]] = []
        for n in range(count):
            turn = started + n / rate
            if (wait := turn - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            late = max(late, time.perf_counter() - turn)
            user_id, copies = rng.choice(recipients)
            sending.append(asyncio.create_task(self.notify(user_id, copies=copies, log=log)))
        await asyncio.gather(*sending)
        return Pace(sent=count, seconds=time.perf_counter() - started, late_by_ms=late * 1000)
