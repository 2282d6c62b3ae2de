"""`planner worker --processes N`: N worker processes, each replaced when it exits, until told to stop.

A worker process exits when it reached its limits (`entrypoints/worker/limits.py`) or when it is told to
stop (SIGTERM, SIGINT); either way it first finishes the jobs it runs. A process that dies mid-job (killed,
out of memory) loses nothing either: its jobs stay active in the queue until their timeout or heartbeat
(`entrypoints/worker/heartbeat.py`) runs out, and then the sweep of any worker retries them.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING

import structlog

from entrypoints.logs import configure_logging
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from litestar_saq import SAQConfig, Worker

log = structlog.get_logger(__name__)

QUICK_EXIT_S = 10.0
"""A process that exits sooner than this after starting, other than to be replaced, is restarted with a delay."""
MAX_RESTART_DELAY_S = 30.0


def run_worker_process(settings: Settings) -> None:
    """One worker process: take jobs until stopped or a limit is reached, then finish them and return."""
    from entrypoints.worker.settings import saq_config

    configure_logging(settings.log_level, json=settings.is_production)
    asyncio.run(work(settings, saq_config))


async def work(settings: Settings, config: Callable[..., SAQConfig]) -> None:
    """Run one worker built by `config(settings, queue, recycling=...)` (saq_config, or a test's) to its end."""
    from entrypoints.bootstrap import create_worker_queue
    from entrypoints.telemetry.multiprocess import process_gone
    from entrypoints.worker.limits import RecyclingLimits
    from entrypoints.worker.settings import build_worker

    limits = RecyclingLimits.of(settings.worker)
    limits.check_start()
    queue = create_worker_queue(settings)
    await queue.connect()
    worker = build_worker(config(settings, queue, recycling=limits))
    # SAQ's own handlers: SIGTERM/SIGINT stop taking jobs, let the running ones finish, then stop.
    worker.SIGNALS = [signal.SIGINT, signal.SIGTERM]
    orphaned = asyncio.create_task(_stop_when_orphaned(worker))
    try:
        await worker.start()
    finally:
        orphaned.cancel()
        await queue.disconnect()
        process_gone()
    log.info("worker.exited", pid=os.getpid(), jobs=limits.done, reason=limits.reached or "stopped")


async def _stop_when_orphaned(worker: Worker) -> None:
    """A supervisor killed with SIGKILL sends no SIGTERM: its processes notice it is gone and stop by themselves."""
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(2)
    log.warning("worker.supervisor_gone", parent=parent)
    worker.event.set()  # as SIGTERM would


@dataclass
class Slot:
    number: int
    process: BaseProcess
    started: float
    quick_exits: int = 0
    restart_at: float | None = None


class WorkerProcesses:
    """Keeps `count` worker processes running; `stop()` lets each finish its jobs and waits for them."""

    def __init__(
        self, settings: Settings, count: int, *, target: Callable[[Settings], None] = run_worker_process
    ) -> None:
        self._settings = settings
        self._count = count
        self._target = target
        self._context = multiprocessing.get_context("spawn")
        self._slots: list[Slot] = []
        self._stopping = threading.Event()
        self.starts = 0
        """Processes started so far, replacements included."""

    def start(self) -> None:
        self._slots = [Slot(n, self._spawn(n), time.monotonic()) for n in range(1, self._count + 1)]

    def supervise(self) -> None:
        """Replace every process that exits, until `request_stop()`; blocks (run it in a thread next to a server)."""
        while not self._stopping.is_set():
            waiting = [slot.process.sentinel for slot in self._slots if slot.restart_at is None]
            wait(waiting, timeout=self._next_wake())
            if self._stopping.is_set():
                break
            now = time.monotonic()
            for slot in self._slots:
                if slot.restart_at is None and slot.process.exitcode is not None:
                    self._exited(slot, now)
                if slot.restart_at is not None and slot.restart_at <= now:
                    slot.restart_at = None
                    slot.process, slot.started = self._spawn(slot.number), now

    def request_stop(self) -> None:
        """Stop replacing processes (safe from a signal handler or another thread)."""
        self._stopping.set()

    def stop(self) -> int:
        """SIGTERM every process (each finishes its jobs first) and wait for all; answer the worst exit code."""
        self._stopping.set()
        running = [slot.process for slot in self._slots if slot.restart_at is None and slot.process.pid is not None]
        for process in running:
            if process.exitcode is None:
                assert process.pid is not None
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
        for process in running:
            process.join()
        log.info("worker.processes_stopped", count=len(running))
        return max((abs(process.exitcode or 0) for process in running), default=0)

    def pids(self) -> list[int]:
        return [slot.process.pid for slot in self._slots if slot.process.pid is not None and slot.restart_at is None]

    def _spawn(self, number: int) -> BaseProcess:
        process = self._context.Process(target=self._target, args=(self._settings,), name=f"planner-worker-{number}")
        process.start()
        self.starts += 1
        log.info("worker.process_started", slot=number, pid=process.pid)
        return process

    def _exited(self, slot: Slot, now: float) -> None:
        process = slot.process
        lived = now - slot.started
        if process.exitcode == 0 or lived >= QUICK_EXIT_S:
            slot.quick_exits = 0
            delay = 0.0
        else:
            slot.quick_exits += 1
            delay = min(MAX_RESTART_DELAY_S, 2.0 ** (slot.quick_exits - 1))
        log_exit = log.info if process.exitcode == 0 else log.warning
        log_exit(
            "worker.process_replaced",
            slot=slot.number,
            pid=process.pid,
            exit_code=process.exitcode,
            lived_s=round(lived, 1),
            restart_in_s=delay,
        )
        slot.restart_at = now + delay

    def _next_wake(self) -> float:
        pending = [slot.restart_at for slot in self._slots if slot.restart_at is not None]
        if not pending:
            return 1.0
        return max(0.0, min(1.0, min(pending) - time.monotonic()))


def supervise_until_signalled(settings: Settings, count: int, target: Callable[[Settings], None]) -> int:
    """`planner worker`: run the processes until SIGTERM/SIGINT, then stop them; answer the exit code."""
    processes = WorkerProcesses(settings, count, target=target)

    def stop(signum: int, _: object) -> None:
        log.info("worker.stopping", signal=signal.Signals(signum).name)
        processes.request_stop()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    processes.start()
    processes.supervise()
    return processes.stop()
