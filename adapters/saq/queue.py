"""The one SAQ queue, built from a Redis client so that unix-socket URLs work too."""

from __future__ import annotations

from redis.asyncio import Redis
from saq.queue.redis import RedisQueue

QUEUE_NAME = "planner"


class PlannerQueue(RedisQueue):
    """SAQ's Redis queue, but a worker's first sweep waits for its next round.

    SAQ's sweep takes any job in the active list whose status is not yet "active" for abandoned, and a job a
    worker has just dequeued is in that state until the worker marks it (saq issues #124, #277): swept, it
    runs twice, or ends aborted after it ran. A fresh worker sweeps while its slots take their first jobs, with
    its sweep script not yet loaded in Redis, which makes that overlap likely each time a process is
    replaced; skipping the very first sweep keeps the overlap to its steady-state odds. Jobs of a dead worker
    wait one sweep interval longer.
    """

    first_sweep_skipped = False

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        if not self.first_sweep_skipped:
            self.first_sweep_skipped = True
            return []
        return await super().sweep(lock, abort)


def create_queue(url: str) -> RedisQueue:
    """A SAQ queue on the Redis at `url` (SAQ's own from_url accepts no unix:// URL)."""
    # No socket timeout: the queue blocks on BLMOVE while it waits for jobs.
    return PlannerQueue(Redis.from_url(url, socket_connect_timeout=2.0), name=QUEUE_NAME)
