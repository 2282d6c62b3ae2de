"""What a task is given: the composition root's container, kept in SAQ's context under one key."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from saq.types import Context

from entrypoints.bootstrap import Container

_KEY = "planner"
"""The one key of ours in SAQ's context; everything else is a typed attribute of WorkerRun."""


@dataclass(frozen=True)
class WorkerRun:
    """What a worker process started: the container, and the outbox relay running beside the tasks."""

    container: Container
    relay: asyncio.Task[None]


def keep_run(ctx: Context, run: WorkerRun) -> None:
    """Keep the worker's run in the context every task is given."""
    ctx[_KEY] = run  # type: ignore[literal-required]


def run_of(ctx: Context) -> WorkerRun | None:
    """The worker's run, if start-up got that far."""
    run = ctx.get(_KEY)
    return run if isinstance(run, WorkerRun) else None


def container_of(ctx: Context) -> Container:
    """The container the worker's start-up built."""
    run = run_of(ctx)
    if run is None:
        raise RuntimeError("the worker started without its container; is saq_config's startup wired?")
    return run.container
