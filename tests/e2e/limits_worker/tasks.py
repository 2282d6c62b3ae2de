"""Tasks only the tests' worker processes know: one that leaks, one that takes its time, one that answers."""

from __future__ import annotations

import asyncio
import functools
import os
from typing import Any

import psutil  # type: ignore[import-untyped]
from saq.types import Context

from entrypoints.logs import configure_logging
from entrypoints.settings import Settings
from entrypoints.worker.processes import work
from entrypoints.worker.settings import saq_config

MB = 1024 * 1024
_leaked: list[bytearray] = []


def _rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / MB


async def leak_a_megabyte(ctx: Context) -> dict[str, Any]:
    """Keep one more megabyte for good (written to, so it is resident), as a leaking library would."""
    _leaked.append(bytearray(b"\x01") * MB)
    return {"pid": os.getpid(), "rss_mb": _rss_mb()}


async def answer(ctx: Context) -> dict[str, Any]:
    """Say which process ran the job."""
    return {"pid": os.getpid()}


async def take_time(ctx: Context, *, seconds: float, later_attempts_s: float = 0) -> dict[str, Any]:
    """Note which process runs it (Redis `took:<job key>`), then take `seconds` (`later_attempts_s` on a retry)."""
    job = ctx["job"]
    await ctx["worker"].queue.redis.set(f"took:{job.key}", os.getpid())
    await asyncio.sleep(seconds if job.attempts <= 1 else later_attempts_s)
    return {"pid": os.getpid(), "attempt": job.attempts}


TEST_TASKS = [leak_a_megabyte, answer, take_time]


def run_test_worker_process(settings: Settings) -> None:
    """`run_worker_process`, with the test tasks registered."""
    configure_logging(settings.log_level, json=False)
    asyncio.run(work(settings, functools.partial(saq_config, extra_tasks=TEST_TASKS)))
