"""`planner db backup` / `planner db restore`: a database backed up, wiped and restored serves the same week."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from entrypoints.settings import Settings
from tests.e2e.people import Person, at, sign_up, window


def planner(*args: str, settings: Settings, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The CLI as an operator runs it, on the test's servers (direct URL included when behind PgBouncer)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_DIRECT_URL", "REDIS_CACHE_URL")}
    env.update(DATABASE_URL=settings.database.url or "", REDIS_URL=settings.redis.url or "")
    if settings.database.direct_url:
        env["DATABASE_DIRECT_URL"] = settings.database.direct_url
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


async def week_of(person: Person) -> list[dict[str, Any]]:
    response = await person.get("/api/events", params=window())
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def create(person: Person, title: str, hour: int) -> str:
    response = await person.post("/api/events", json={"title": title, "starts_at": at(hour), "ends_at": at(hour + 1)})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def wipe(engine: AsyncEngine) -> None:
    """The disaster: every table, type and extension of planner gone."""
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))


async def test_a_wiped_database_restored_from_a_backup_serves_the_same_week(
    client: AsyncTestClient[Litestar], settings: Settings, engine: AsyncEngine, tmp_path: Path
) -> None:
    ada = await sign_up(client, "ada")
    bob = await sign_up(client, "bob")
    before = await create(ada, "Before the backup", 9)
    invited = await ada.post(
        "/api/events",
        json={"title": "With Bob", "starts_at": at(11), "ends_at": at(12), "participants": [bob.email]},
    )
    assert invited.status_code == 201, invited.text
    week = await week_of(ada)
    bobs_week = await week_of(bob)
    assert len(week) == 2
    assert len(bobs_week) == 1

    file = tmp_path / "planner.backup"
    backed_up = await asyncio.to_thread(planner, "db", "backup", str(file), settings=settings)
    assert backed_up.returncode == 0, backed_up.stderr
    assert file.stat().st_size > 0

    after = await create(ada, "After the backup", 14)
    assert after in {item["id"] for item in await week_of(ada)}  # and that week is now in the cache
    await wipe(engine)

    restored = await asyncio.to_thread(planner, "db", "restore", str(file), "--yes", settings=settings)
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout

    # Same week as at the backup, not the cached one holding the event made after it.
    assert await week_of(ada) == week
    assert await week_of(bob) == bobs_week
    assert (await ada.get(f"/api/events/{before}")).status_code == 200
    assert (await ada.get(f"/api/events/{after}")).status_code == 404
    # Writes go on after a restore.
    assert await create(ada, "After the restore", 16)


async def test_a_restore_asks_first_and_changes_nothing_when_refused(
    client: AsyncTestClient[Litestar], settings: Settings, tmp_path: Path
) -> None:
    ada = await sign_up(client, "ada")
    file = tmp_path / "planner.backup"
    backed_up = await asyncio.to_thread(planner, "db", "backup", str(file), settings=settings)
    assert backed_up.returncode == 0, backed_up.stderr
    kept = await create(ada, "Made after the backup", 9)

    refused = await asyncio.to_thread(planner, "db", "restore", str(file), settings=settings, stdin="n\n")
    assert refused.returncode != 0
    assert "Replace everything" in refused.stdout
    assert (await ada.get(f"/api/events/{kept}")).status_code == 200


async def test_a_backup_that_is_no_backup_is_refused_and_the_database_left_as_it_was(
    client: AsyncTestClient[Litestar], settings: Settings, tmp_path: Path
) -> None:
    ada = await sign_up(client, "ada")
    kept = await create(ada, "Still here", 9)
    file = tmp_path / "not-a.backup"
    file.write_text("DROP TABLE events;\n")

    result = await asyncio.to_thread(planner, "db", "restore", str(file), "--yes", settings=settings)
    assert result.returncode == 1
    assert result.stderr.startswith("planner: restore into")
    assert "Traceback" not in result.stderr
    assert (await ada.get(f"/api/events/{kept}")).status_code == 200


def embedded_planner(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with no DATABASE_URL/REDIS_URL: on the embedded servers of a data dir."""
    unset = ("DATABASE_URL", "DATABASE_DIRECT_URL", "REDIS_URL", "REDIS_CACHE_URL")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def test_without_a_database_in_the_data_dir_a_backup_says_so(tmp_path: Path) -> None:
    result = embedded_planner("db", "backup", str(tmp_path / "x.backup"), "--data-dir", str(tmp_path / "nothing"))
    assert result.returncode == 1
    assert "no planner database in data dir" in result.stderr
    assert not (tmp_path / "x.backup").exists()


@pytest.mark.slow
def test_a_stopped_embedded_database_is_started_for_a_backup_and_restore_and_stopped_again(tmp_path: Path) -> None:
    from adapters.embedded.postgres import EmbeddedPostgres

    data_dir = tmp_path / "data"
    postgres = EmbeddedPostgres(data_dir)
    url = postgres.start()
    try:
        subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "db", "upgrade"],
            env={**os.environ, "DATABASE_URL": url, "DATABASE_DIRECT_URL": ""},
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        postgres.stop()
    pid_file = data_dir / "postgres" / "postmaster.pid"
    assert not pid_file.exists()

    file = tmp_path / "planner.backup"
    backed_up = embedded_planner("db", "backup", str(file), "--data-dir", str(data_dir))
    assert backed_up.returncode == 0, backed_up.stderr
    assert file.stat().st_size > 0
    assert not pid_file.exists(), "the server started for the backup is stopped again"

    restored = embedded_planner("db", "restore", str(file), "--data-dir", str(data_dir), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert f"the database in {data_dir}" in restored.stdout
    assert not pid_file.exists()
