"""The processes the benchmark starts: PostgreSQL, Redis and HTTP servers, each stopped again, whatever happens."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httpx

from adapters.embedded.postgres import EmbeddedPostgres
from adapters.embedded.redis import EmbeddedRedis
from bench.errors import BenchmarkFailed

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_tail(path: Path, lines: int = 20, chars: int = 4000) -> str:
    """The end of a server's log: enough to say why it failed, not a screenful of tracebacks."""
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])[-chars:]
    return ""


def planner_environment(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings on the given servers; other planner settings (DB_POOL_SIZE, ...) pass through."""
    env = {**os.environ}
    if not os.environ.get("REDIS_URL"):
        env.pop("REDIS_CACHE_URL", None)  # a cache URL from the environment belongs to another Redis
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        LOG_LEVEL="ERROR",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
    )
    # The benchmark seeds its people through the public sign-up, which production keeps invite-only.
    env.setdefault("REGISTRATION", "open")
    # Load generators sign everyone in from one address, as fast as they can: no rate limits.
    for limit in ("SIGN_IN_PER_IP", "SIGN_UP_PER_IP", "PER_ACCOUNT", "API_PER_USER", "API_PER_IP"):
        env.setdefault(f"RATE_LIMIT_{limit}", "0")
    env.setdefault("EVENTS_PER_HOUR", "0")
    return env


TWO_PROCESS_POOLS = {"DB_POOL_SIZE": "10", "DB_MAX_OVERFLOW": "0"}
"""How an operator would size the pools of 2 web processes on 2 cores (unless set): PostgreSQL on 2
cores does best with few transactions at a time (more only queue inside it; with 40 per process,
event creation measured 345 req/s against 400 with 10), and overflow connections, opened and closed
again under load, cost far more than waiting for a pooled one."""


@dataclass(frozen=True)
class PlannerWeb:
    url: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def planner_web(
    workdir: Path, env: dict[str, str], *, workers: int, checkout: Path = REPO_ROOT
) -> Iterator[PlannerWeb]:
    """planner as production runs it (`planner run`, `workers` uvicorn processes), its log in `workdir`.

    `checkout` is the code that runs (this checkout unless told), with this checkout's Python environment.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "entrypoints.cli", "run", "--host", "127.0.0.1", "--port", str(port)]
    with http_server(
        "planner",
        [*command, "--workers", str(workers)],
        env=env,
        log=workdir / "planner.log",
        ready_url=f"{url}/schema/openapi.json",
        cwd=checkout,
    ) as process:
        yield PlannerWeb(url, process)


@contextlib.contextmanager
def background_process(
    args: Sequence[str], *, env: dict[str, str], log: Path, cwd: Path = REPO_ROOT
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a process in a group of its own until the block ends; SIGTERM the whole group then.

    `cwd` is the checkout whose code `python -m` runs (this one unless told).
    """
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        stop_process_group(process)


@contextlib.contextmanager
def http_server(
    name: str, args: Sequence[str], *, env: dict[str, str], log: Path, ready_url: str, cwd: Path = REPO_ROOT
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server in a process group of its own until the block ends; SIGTERM the whole group then."""
    with background_process(args, env=env, log=log, cwd=cwd) as process:
        wait_until_answering(name, process, ready_url, log)
        yield process


def wait_until_answering(name: str, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkFailed(f"{name} exited with {process.returncode} while starting:\n{log_tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise BenchmarkFailed(f"{name} did not answer {url} within {STARTUP_TIMEOUT:.0f} s:\n{log_tail(log)}")


def stop_process_group(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM the group (uvicorn's supervisor and its workers), then SIGKILL whatever is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextlib.contextmanager
def data_servers(workdir: Path) -> Iterator[tuple[str, str]]:
    """PostgreSQL and Redis: the ones at DATABASE_URL/REDIS_URL, or embedded ones under `workdir`."""
    database_url = os.environ.get("DATABASE_URL", "").strip()
    redis_url = os.environ.get("REDIS_URL", "").strip()
    postgres = None if database_url else EmbeddedPostgres(workdir)
    redis = None if redis_url else EmbeddedRedis(workdir)
    try:
        if postgres is not None:
            database_url = postgres.start()
        if redis is not None:
            redis_url = redis.start()
        print(
            f"servers: PostgreSQL {'embedded' if postgres else 'from DATABASE_URL'}, "
            f"Redis {'embedded' if redis else 'from REDIS_URL'}",
            flush=True,
        )
        yield database_url, redis_url
    finally:
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()


def ignore_signals() -> None:
    """While stopping what we started, a second Ctrl-C must not leave it half-stopped."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def raise_interrupt(signum: int, _: FrameType | None) -> None:
    """SIGTERM ends the benchmark like Ctrl-C does, through every `finally`."""
    raise KeyboardInterrupt(signal.Signals(signum).name)
