"""The data dir of a `planner up`: created, checked writable, and locked against a second start."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from adapters.embedded.errors import EmbeddedServerError


class DataDirLock:
    """An exclusive lock on `<data_dir>/planner.lock`, released by the kernel even if we are killed."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.path = self.data_dir / "planner.lock"
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            handle = self.path.open("a+")
        except OSError as exc:
            raise EmbeddedServerError(
                f"cannot use data dir {self.data_dir}: {exc.strerror}; choose a writable one with --data-dir"
            ) from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise EmbeddedServerError(
                f"another planner is already running on data dir {self.data_dir} (pid {holder}); "
                "stop it first or pass another --data-dir"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
