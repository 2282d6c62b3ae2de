"""Which notifications reached the open streams, and how long after their commit."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` 0.99 for p99); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class DeliveryLog:
    """Notifications committed (with how many open streams should get each) and the frames that arrived."""

    committed: dict[str, float] = field(default_factory=dict)  # notification id -> perf_counter at commit
    expected: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    _all_arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def arrived(self) -> int:
        return len(self.latencies_ms)

    @property
    def missing(self) -> int:
        return self.expected - self.arrived

    def expect(self, notification_id: str, committed_at: float, copies: int) -> None:
        """A notification committed at `committed_at`, to a user with `copies` open streams."""
        self.committed[notification_id] = committed_at
        self.expected += copies
        self._all_arrived.clear()

    def seen(self, notification_id: str, arrived_at: float) -> None:
        """A stream got the frame of a notification (one of another phase is ignored)."""
        committed_at = self.committed.get(notification_id)
        if committed_at is None:
            return
        self.latencies_ms.append((arrived_at - committed_at) * 1000)
        if self.arrived >= self.expected:
            self._all_arrived.set()

    async def all_arrived(self, timeout: float) -> bool:
        """Wait until every expected frame arrived, at most `timeout` seconds; answer whether they did."""
        if self.arrived >= self.expected:
            return True
        try:
            await asyncio.wait_for(self._all_arrived.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 0.50)

    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 0.99)
