from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from litestar import Litestar, get
from litestar.middleware import DefineMiddleware
from litestar.testing import AsyncTestClient

from entrypoints.logs import RequestIdMiddleware, configure_logging, send_request_id
from tests.e2e.test_planner_up import free_port
from tests.support.servers import ServerUrls


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


@get("/boom", sync_to_thread=False)
def boom() -> str:
    structlog.get_logger("planner.test").error("calendar.broken", calendar="team")
    return "logged"


async def test_production_log_lines_are_json_and_carry_the_request_id(
    restore_logging: None, capfd: pytest.CaptureFixture[str]
) -> None:
    configure_logging("ERROR", json=True)
    app = Litestar(
        [boom],
        middleware=[DefineMiddleware(RequestIdMiddleware)],
        before_send=[send_request_id],
        logging_config=None,
    )
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/boom")
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.strip()]
    ours = [line for line in lines if line.get("event") == "calendar.broken"]
    assert len(ours) == 1
    assert ours[0]["request_id"] == response.headers["x-request-id"]
    assert ours[0]["level"] == "error"
    assert ours[0]["calendar"] == "team"


def test_production_web_process_writes_json_only_and_no_access_log(servers: ServerUrls, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "production",
        "LOG_LEVEL": "INFO",
        "SECRET_KEY": "x" * 40,
        "DATABASE_URL": servers.database_url,
        "DATABASE_DIRECT_URL": servers.direct_url if servers.pooled else "",
        "REDIS_URL": servers.redis_url,
    }
    log = tmp_path / "web.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "run", "--port", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        answered = 0
        while answered < 3 and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            except urllib.error.HTTPError:
                answered += 1  # 503: no worker runs here, which is fine for this test
            except OSError:
                time.sleep(0.1)
        assert answered == 3, log.read_text()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    assert lines, "the web process logged nothing at INFO"
    for line in lines:
        json.loads(line)  # every line is JSON
    assert not any("GET /health" in line for line in lines), "production must not write an access log"
