"""prometheus_client's multiprocess mode: every process writes its series to files in one directory.

The launchers (`planner up`, `planner run`, `planner worker`) call `own_metrics_dir` before anything
imports prometheus_client (it picks its value store at import): they make a fresh directory, so no
dead process's counts linger, and remove it at exit. An operator who sets
PROMETHEUS_MULTIPROC_DIR (to share one directory between the web and the worker on one host) owns
that directory: it is used as it is, and emptied by whoever starts the host's processes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@contextlib.contextmanager
def own_metrics_dir(where: Path | None = None) -> Iterator[Path]:
    """Set PROMETHEUS_MULTIPROC_DIR for this process and its children: `where` (wiped) or a new temporary one."""
    given = os.environ.get(MULTIPROC_DIR_VARIABLE)
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        yield Path(given)
        return
    if where is None:
        directory = Path(tempfile.mkdtemp(prefix="planner-metrics-"))
    else:
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        directory = where
    os.environ[MULTIPROC_DIR_VARIABLE] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROC_DIR_VARIABLE, None)
        shutil.rmtree(directory, ignore_errors=True)


def process_gone() -> None:
    """This process stops: its `livesum` gauges (open streams, connections in use) stop counting."""
    if os.environ.get(MULTIPROC_DIR_VARIABLE):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def serve_metrics(port: int) -> None:
    """Serve every process's series (the multiprocess directory's) at http://0.0.0.0:`port`/metrics, in a thread."""
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry(auto_describe=False)
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    start_http_server(port, registry=registry)
