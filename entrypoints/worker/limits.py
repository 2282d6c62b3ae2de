"""When a worker process has done enough: after WORKER_MAX_TASKS jobs, or once its memory passes WORKER_MAX_MEMORY_MB.

A process that reaches a limit takes no further job, lets the ones it runs finish, and exits; the
supervisor (`entrypoints/worker/processes.py`) starts a fresh one in its place. A slow leak in a task or
a library thus costs at most one process's worth of memory, never the machine's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psutil  # type: ignore[import-untyped]
import structlog
from saq.types import Context

from entrypoints.settings import WorkerSettings

log = structlog.get_logger(__name__)

MB = 1024 * 1024


@dataclass
class RecyclingLimits:
    """Counts one process's jobs and watches its memory; stops the process's worker when a limit is reached."""

    max_tasks: int
    max_memory_mb: int
    done: int = 0
    reached: str | None = None
    _process: psutil.Process = field(default_factory=psutil.Process, repr=False)

    @classmethod
    def of(cls, settings: WorkerSettings) -> RecyclingLimits:
        return cls(max_tasks=settings.max_tasks, max_memory_mb=settings.max_memory_mb)

    def rss_mb(self) -> float:
        return float(self._process.memory_info().rss) / MB

    def check_start(self) -> None:
        """Warn when the process starts above its memory limit (it would be replaced after every job)."""
        if self.max_memory_mb and self.rss_mb() >= self.max_memory_mb:
            log.warning(
                "worker.memory_limit_below_start", rss_mb=round(self.rss_mb(), 1), max_memory_mb=self.max_memory_mb
            )

    async def after_job(self, ctx: Context) -> None:
        """SAQ's after_process hook: count the job, and stop taking jobs once a limit is reached."""
        self.done += 1
        if self.reached is not None:
            return
        rss_mb = self.rss_mb()
        if self.max_tasks and self.done >= self.max_tasks:
            self.reached = "max_tasks"
        elif self.max_memory_mb and rss_mb > self.max_memory_mb:
            self.reached = "max_memory"
        if self.reached is None:
            return
        log.info(
            "worker.recycling",
            reason=self.reached,
            jobs=self.done,
            rss_mb=round(rss_mb, 1),
            max_tasks=self.max_tasks,
            max_memory_mb=self.max_memory_mb,
        )
        # What SAQ's own SIGTERM handler does: no job is taken after the current ones, which finish, then it stops.
        # Set here, before this job's slot asks the queue for the next one.
        ctx["worker"].event.set()
