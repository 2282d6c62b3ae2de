"""How busy this machine is (figures taken while something else uses the cores are not figures of planner), and
how much memory a process holds."""

from __future__ import annotations

import resource
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


def raise_open_files_limit() -> int:
    """Let this process (and what it starts) open as many files as the hard limit allows; answer that number."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1 << 20 if hard == resource.RLIM_INFINITY else hard  # fs.nr_open's default
    if soft != wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


def resident_bytes(pid: int) -> int:
    """The resident memory (VmRSS) of a process and all its descendants; 0 for a process that is gone."""
    total = 0
    for member in [pid, *_descendants(pid)]:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024  # reported in kB
    return total


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores together."""
    try:
        fields = [int(n) for n in PROC_STAT.read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user time
    return total - idle, total
