"""`planner up` as a newcomer runs it: a subprocess on embedded servers, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

STARTUP_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def planner_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL")}
    env["APP_ENV"] = "development"
    return env


def start(data_dir: Path, port: int, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "up", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env or planner_env(),
        start_new_session=True,
    )


def health_status(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_healthy(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"planner up exited {proc.returncode}: {log.read_text()[-2000:]}"
        if health_status(port) == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"/health never answered 200: {log.read_text()[-2000:]}")


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    yield path
    for pid in processes_mentioning(str(path)):  # never leave a server behind, even when a test fails
        os.kill(pid, signal.SIGKILL)


def test_planner_up_serves_health_and_leaves_nothing_behind_after_sigterm(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "up.log"
    proc = start(data_dir, port, log)
    try:
        wait_healthy(proc, port, log)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/schema/openapi.json", timeout=5) as response:
            assert response.status == 200
        deadline = time.monotonic() + 10
        while "planner is ready at" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert f"planner is ready at http://127.0.0.1:{port}" in log.read_text()
        assert processes_mentioning(str(data_dir)), "embedded servers should run under the data dir"

        os.killpg(proc.pid, signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    secret_key = data_dir / "secret_key"
    assert secret_key.stat().st_mode & 0o777 == 0o600, "the generated SECRET_KEY is for its owner's eyes only"
    first_key = secret_key.read_text()
    assert len(first_key.strip()) >= 32
    deadline = time.monotonic() + 5
    while processes_mentioning(str(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(data_dir)) == []

    # The data survives and nothing stale blocks the next start.
    second = start(data_dir, port, log)
    try:
        wait_healthy(second, port, log)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        assert second.wait(30) == 0
    assert secret_key.read_text() == first_key, "sessions survive a restart: the key is made once"


def test_a_second_planner_up_on_the_same_data_dir_fails_clearly(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    first = start(data_dir, port, tmp_path / "first.log")
    try:
        wait_healthy(first, port, tmp_path / "first.log")
        second = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "up", "--port", str(free_port()), "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            env=planner_env(),
            timeout=60,
            check=False,
        )
        assert second.returncode != 0
        assert "already running on data dir" in second.stderr
        assert "Traceback" not in second.stderr
        assert health_status(port) == 200, "the first planner must be unharmed"
    finally:
        os.killpg(first.pid, signal.SIGTERM)
        first.wait(30)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        capture_output=True,
        text=True,
        env=env or planner_env(),
        timeout=60,
        check=False,
    )


def one_clear_line(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("planner:")]
    assert lines, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_reported_in_one_line(data_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        one_clear_line(
            run_cli("up", "--port", str(port), "--data-dir", str(data_dir)), f"cannot listen on 127.0.0.1:{port}"
        )


@pytest.mark.parametrize("command", [("run",), ("worker",)])
@pytest.mark.parametrize("secret_key", [None, "short-and-known"])
def test_run_and_worker_refuse_to_start_without_a_secret_key_of_their_own(
    command: tuple[str, ...], secret_key: str | None
) -> None:
    env = {k: v for k, v in planner_env().items() if k != "SECRET_KEY"}
    env.update(DATABASE_URL="postgresql://planner@127.0.0.1:1/planner", REDIS_URL="redis://127.0.0.1:1/0")
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    one_clear_line(run_cli(*command, env=env), "SECRET_KEY must be set to a random string of at least 32 characters")


def test_production_refuses_google_without_a_key_of_its_own_for_its_tokens() -> None:
    env = {
        **planner_env(),
        "APP_ENV": "production",
        "SECRET_KEY": "k" * 40,
        "GOOGLE_CLIENT_ID": "id",
        "GOOGLE_CLIENT_SECRET": "secret",
        "DATABASE_URL": "postgresql://planner@127.0.0.1:1/planner",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    env.pop("GOOGLE_TOKEN_KEY", None)
    one_clear_line(run_cli("run", env=env), "GOOGLE_TOKEN_KEY must be set in production")


def test_a_malformed_database_url_is_reported_in_one_line() -> None:
    env = {**planner_env(), "DATABASE_URL": "mysql://root@localhost/planner"}
    one_clear_line(run_cli("db", "upgrade", env=env), "DATABASE_URL must be a PostgreSQL URL")


def test_an_unreachable_database_is_reported_in_one_line() -> None:
    port = free_port()  # nothing listens there
    env = {**planner_env(), "DATABASE_URL": f"postgresql://planner:secret@127.0.0.1:{port}/planner"}
    result = run_cli("db", "upgrade", env=env)
    one_clear_line(result, "cannot reach PostgreSQL at postgresql://planner:***@127.0.0.1")
    assert "secret" not in result.stderr


def test_an_unreachable_redis_is_reported_in_one_line(data_dir: Path) -> None:
    env = {**planner_env(), "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    one_clear_line(
        run_cli("up", "--port", str(free_port()), "--data-dir", str(data_dir), env=env), "cannot reach Redis"
    )


def test_an_unwritable_data_dir_is_reported_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    one_clear_line(
        run_cli("up", "--port", str(free_port()), "--data-dir", str(blocker / "data")), "cannot use data dir"
    )


def test_a_killed_planner_leaves_nothing_that_breaks_the_next_start(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "up.log"
    killed = start(data_dir, port, log)
    wait_healthy(killed, port, log)
    killed.kill()  # SIGKILL: no cleanup runs; its servers are orphaned
    killed.wait(10)

    restarted = start(data_dir, port, log)
    try:
        wait_healthy(restarted, port, log)
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        assert restarted.wait(30) == 0
    deadline = time.monotonic() + 5
    while processes_mentioning(str(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_mentioning(str(data_dir)) == [], "orphans of the killed planner were adopted and stopped"
