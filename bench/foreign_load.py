"""CPU that processes other than the benchmark's take while it measures: on a shared machine it lowers the figures.

The benchmark's processes are its own descendants (planner, workers, the embedded Redis) and the
embedded PostgreSQL's postmaster with its backends (pg_ctl leaves the postmaster to init). With
servers from DATABASE_URL/REDIS_URL, every `postgres` and `redis-server` process counts as ours,
since which of their work is ours cannot be told.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from bench.machine import wait_for_quiet

SERVER_NAMES = frozenset({"postgres", "redis-server"})
TICKS_PER_S = os.sysconf("SC_CLK_TCK")
BUSY_MACHINE = 0.15  # a busy fraction of the cores from other work above which figures are suspect


@dataclass
class MachineLoad:
    """How busy other work kept the cores: just before each measurement (waiting a while for it to end),
    and during it."""

    workdir: Path  # the embedded PostgreSQL's data lies under it
    before: dict[str, float] = field(default_factory=dict)
    during: dict[str, float] = field(default_factory=dict)

    @contextlib.asynccontextmanager
    async def measuring(self, name: str) -> AsyncIterator[None]:
        self.before[name] = await asyncio.to_thread(wait_for_quiet, BUSY_MACHINE)
        external = bool(os.environ.get("DATABASE_URL", "").strip() or os.environ.get("REDIS_URL", "").strip())
        roots = [os.getpid(), *filter(None, [postmaster_pid(self.workdir / "postgres")])]
        with ForeignLoad(roots, servers_are_ours=external) as load:
            yield
        self.during[name] = load.share

    def warnings(self) -> list[str]:
        """One line per measurement that other work may have slowed down."""
        lines = []
        for name in self.before:
            before, during = self.before[name], self.during.get(name, 0.0)
            if before > BUSY_MACHINE or during > BUSY_MACHINE:
                lines.append(f"{name}: other processes took {before:.0%} of the cores before, {during:.0%} during")
        return lines


class ForeignLoad:
    """`with ForeignLoad(roots) as load:` ... then `load.share`: other processes' CPU, as a fraction of all cores."""

    def __init__(self, roots: Iterable[int], *, servers_are_ours: bool = False) -> None:
        self._roots = set(roots)
        self._servers_are_ours = servers_are_ours
        self._before: dict[int, tuple[int, int, str]] = {}
        self._started = 0.0
        self.share = 0.0

    def __enter__(self) -> ForeignLoad:
        self._before, self._started = _processes(), time.monotonic()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        after, elapsed = _processes(), time.monotonic() - self._started
        ours = self._ours({**self._before, **after})
        foreign = sum(
            ticks - self._before.get(pid, (0, 0, ""))[1] for pid, (_, ticks, _) in after.items() if pid not in ours
        )
        capacity = elapsed * TICKS_PER_S * (os.cpu_count() or 1)
        self.share = max(0.0, foreign / capacity) if capacity > 0 else 0.0

    def _ours(self, processes: dict[int, tuple[int, int, str]]) -> set[int]:
        ours = {pid for pid, (_, _, name) in processes.items() if self._servers_are_ours and name in SERVER_NAMES}
        ours |= self._roots
        changed = True
        while changed:  # descendants, whatever order the pids come in
            found = {pid for pid, (parent, _, _) in processes.items() if parent in ours and pid not in ours}
            ours |= found
            changed = bool(found)
        return ours


def postmaster_pid(pgdata: Path) -> int | None:
    """The pid of the PostgreSQL running on `pgdata`, from its postmaster.pid."""
    try:
        return int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, CPU ticks used so far, name) of every process that can be read."""
    found: dict[int, tuple[int, int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.find("(") + 1 : stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2 :].split()  # from the state (field 3) on
        try:
            found[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), name)
        except (ValueError, IndexError):
            continue
    return found
