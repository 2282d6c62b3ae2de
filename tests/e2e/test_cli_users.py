from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.people import sign_up
from tests.support.servers import ServerUrls


def planner(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


async def test_planner_users_promote_makes_someone_an_admin(
    client: AsyncTestClient[Litestar], servers: ServerUrls
) -> None:
    await sign_up(client, "first")
    second = await sign_up(client, "second")
    assert (await second.get("/api/me")).json()["is_admin"] is False
    result = await asyncio.to_thread(planner, "users", "promote", second.email, database_url=servers.database_url)
    assert result.returncode == 0, result.stderr
    assert f"{second.email} is now an administrator" in result.stdout
    assert (await second.get("/api/me")).json()["is_admin"] is True


async def test_promoting_an_unknown_email_fails_in_one_line(servers: ServerUrls) -> None:
    result = await asyncio.to_thread(
        planner, "users", "promote", "ghost@example.com", database_url=servers.database_url
    )
    assert result.returncode == 1
    assert result.stderr.startswith("planner: ")
    assert "Traceback" not in result.stderr
