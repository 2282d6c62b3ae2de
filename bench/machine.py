"""How busy this machine is: figures taken while something else uses the cores are not figures of planner."""

from __future__ import annotations

import time
from pathlib import Path

PROC_STAT = Path("/proc/stat")


def cpu_busy(seconds: float = 1.0) -> float:
    """Fraction of all cores' time spent busy over the next `seconds` (0.0 where /proc/stat is missing)."""
    first = _cpu_times()
    time.sleep(seconds)
    second = _cpu_times()
    if first is None or second is None:
        return 0.0
    busy = second[0] - first[0]
    total = second[1] - first[1]
    return busy / total if total > 0 else 0.0


def wait_for_quiet(threshold: float = 0.15, patience: float = 60.0) -> float:
    """Wait until the cores are mostly idle, at most `patience` seconds; answer the last busy fraction."""
    deadline = time.monotonic() + patience
    busy = cpu_busy()
    while busy > threshold and time.monotonic() < deadline:
        busy = cpu_busy()
    return busy


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores together."""
    try:
        fields = [int(n) for n in PROC_STAT.read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user time
    return total - idle, total
