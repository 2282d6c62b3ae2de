"""Run the web app, with supervised worker processes next to it, and stop both in a known order."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import urllib.request
from collections.abc import Callable, Generator

import structlog
import uvicorn
from litestar import Litestar

from entrypoints.app import create_app
from entrypoints.bootstrap.heap import settle_heap
from entrypoints.http.dependencies import container_of
from entrypoints.settings import Settings
from entrypoints.worker.processes import WorkerProcesses

log = structlog.get_logger(__name__)


class QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the caller decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind the listening socket up front, so a port in use is reported before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def served_app() -> Litestar:
    """The app `planner run` serves (uvicorn's factory, in each of its processes): it drains on SIGTERM."""
    app = create_app(drain_on_stop_signals=True)
    settle_heap()
    return app


def uvicorn_config(app: object, settings: Settings) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_config=None,
        access_log=not settings.is_production,
        lifespan="on",
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        server_header=False,
        proxy_headers=True,
    )


def _health_is_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=2) as response:  # noqa: S310 - our own loopback URL
            return bool(response.status == 200)
    except OSError:
        return False


async def _announce_when_healthy(url: str, announce: Callable[[str], None]) -> None:
    while not await asyncio.to_thread(_health_is_ok, url):
        await asyncio.sleep(0.2)
    announce(url)


async def serve_with_worker(
    settings: Settings,
    sock: socket.socket,
    public_url: str,
    announce: Callable[[str], None],
    *,
    worker_processes: int = 1,
) -> None:
    """Serve HTTP on `sock` next to supervised worker processes until SIGINT/SIGTERM, then stop web, then workers.

    The workers are `planner worker`'s: recycled at WORKER_MAX_TASKS / WORKER_MAX_MEMORY_MB, and each finishes
    its jobs before it stops.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    app = create_app(settings, configure_logs=False)
    settle_heap()
    server = QuietServer(uvicorn_config(app, settings))
    workers = WorkerProcesses(settings, worker_processes)
    workers.start()
    tasks = {
        asyncio.create_task(server.serve(sockets=[sock]), name="web"),
        asyncio.create_task(asyncio.to_thread(workers.supervise), name="workers"),
    }
    announcer = asyncio.create_task(_announce_when_healthy(public_url, announce))
    stopper = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait({*tasks, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in done - {stopper}:
            if task.exception() is not None:
                log.error("serve.task_failed", task=task.get_name(), error=repr(task.exception()))
    finally:
        announcer.cancel()
        stopper.cancel()
        log.info("serve.stopping")
        server.should_exit = True
        container_of(app).connection_registry.drain()
        workers.request_stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.to_thread(workers.stop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
