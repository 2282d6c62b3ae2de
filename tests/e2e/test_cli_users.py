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
    env = {**os.environ, "DATABASE_URL": database_url, "DATABASE_DIRECT_URL": ""}
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
    result = await asyncio.to_thread(planner, "users", "promote", second.email, database_url=servers.direct_url)
    assert result.returncode == 0, result.stderr
    assert f"{second.email} is now an administrator" in result.stdout
    assert (await second.get("/api/me")).json()["is_admin"] is True


async def test_promoting_an_unknown_email_fails_in_one_line(servers: ServerUrls) -> None:
    result = await asyncio.to_thread(planner, "users", "promote", "ghost@example.com", database_url=servers.direct_url)
    assert result.returncode == 1
    assert result.stderr.startswith("planner: ")
    assert "Traceback" not in result.stderr


def planner_with(*args: str, database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url, "DATABASE_DIRECT_URL": "", **env},
        timeout=60,
        check=False,
    )


async def test_planner_users_create_admin_makes_the_first_administrator(
    client: AsyncTestClient[Litestar], servers: ServerUrls
) -> None:
    result = await asyncio.to_thread(
        planner_with,
        "users",
        "create-admin",
        "boss@example.com",
        database_url=servers.direct_url,
        PLANNER_ADMIN_PASSWORD="a long enough password",
    )
    assert result.returncode == 0, result.stderr
    login = await client.post(
        "/api/auth/login", json={"email": "boss@example.com", "password": "a long enough password"}
    )
    assert login.status_code == 200
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert me.json()["is_admin"] is True
    # The next person to sign up is no administrator: the first one exists.
    assert (await sign_up(client)).email
    again = await asyncio.to_thread(
        planner_with,
        "users",
        "create-admin",
        "boss@example.com",
        database_url=servers.direct_url,
        PLANNER_ADMIN_PASSWORD="a long enough password",
    )
    assert again.returncode == 1
    assert again.stderr.startswith("planner: ")


async def test_planner_users_invite_prints_a_link_that_admits_one_sign_up(
    client: AsyncTestClient[Litestar], servers: ServerUrls
) -> None:
    result = await asyncio.to_thread(
        planner_with, "users", "invite", "guest@example.com", database_url=servers.direct_url
    )
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert "/signup?invitation=" in url
    token = url.rpartition("=")[2]
    body = {"email": "guest@example.com", "password": "a long enough password", "name": "Guest", "invitation": token}
    assert (await client.post("/api/auth/register", json=body)).status_code == 201


async def test_planner_users_demote_ends_the_admins_sessions(
    client: AsyncTestClient[Litestar], servers: ServerUrls
) -> None:
    admin = await sign_up(client, "admin")
    assert (await admin.get("/api/admin/connections")).status_code == 200
    result = await asyncio.to_thread(planner, "users", "demote", admin.email, database_url=servers.direct_url)
    assert result.returncode == 0, result.stderr
    assert (await admin.get("/api/admin/connections")).status_code == 401
