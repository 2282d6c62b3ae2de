"""What the Google benchmarks share: their start-up (servers, the fake Google, planner wired to both), a person
registered through the use case, and connected to the fake Google."""

from __future__ import annotations

import asyncio
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from adapters.passwords import Argon2PasswordHasher
from adapters.postgres.migrate import upgrade
from application.accounts.dto import RegisterUser
from application.accounts.register_user import register_user
from application.google_sync.begin_connection import BeginConnection, begin_connection
from application.google_sync.complete_connection import CompleteConnection, complete_connection
from bench.processes import data_servers
from domain.clock import SystemClock
from domain.jobs.job import Job
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.logs import configure_logging
from entrypoints.settings import AppEnv, Settings
from tests.fakes.google import FakeGoogle, running_fake_google
from tests.support.google import google_settings

T = TypeVar("T")
UNUSED_WEBHOOK_BASE = "http://127.0.0.1:9"
"""planner's public address in the benchmarks: nothing is pushed to it."""


def run_with_servers(workdir_prefix: str, bench: Callable[[str, str], Coroutine[Any, Any, T]]) -> T:
    """Quiet logs, PostgreSQL and Redis (embedded unless DATABASE_URL/REDIS_URL are set), then `bench` on their URLs."""
    configure_logging("WARNING", json=False)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    with (
        tempfile.TemporaryDirectory(prefix=workdir_prefix) as workdir,
        data_servers(Path(workdir)) as (database_url, redis_url),
    ):
        return asyncio.run(bench(database_url, redis_url))


def google_bench_settings(database_url: str, redis_url: str, fake: FakeGoogle) -> Settings:
    """planner's settings for a benchmark: the servers, and Google at the fake."""
    settings = Settings(env=AppEnv.TEST, log_level="WARNING").with_servers(database_url, redis_url)
    return google_settings(settings, fake, UNUSED_WEBHOOK_BASE)


@asynccontextmanager
async def planner_on_fake_google(database_url: str, redis_url: str) -> AsyncIterator[tuple[Container, FakeGoogle]]:
    """The database migrated, the fake Google of the tests served in this process, and planner wired to both."""
    await asyncio.to_thread(upgrade, database_url)
    with running_fake_google() as fake:
        services = bootstrap(google_bench_settings(database_url, redis_url, fake))
        try:
            yield services, fake
        finally:
            await services.close()


async def bench_person(services: Container) -> UUID:
    """A new person, with a name no earlier run on the same database took."""
    person = await register_user(
        RegisterUser(email=f"bench-{time.time_ns()}@example.com", password="bench password 123", name="Bench"),
        uow=services.unit_of_work(),
        hasher=Argon2PasswordHasher(),
        clock=SystemClock(),
    )
    return person.id


async def connect_google(services: Container, fake: FakeGoogle, user_id: UUID, *, write_access: bool = False) -> Job:
    """Consent at the fake Google and complete the connection, as the callback does: the full sync's job."""
    google = services.google
    url = await begin_connection(
        BeginConnection(actor_id=user_id, write_access=write_access),
        oauth=google.oauth,
        clock=services.clock,
        secret=google.secret,
        pending=google.pending,
    )
    state = url.split("state=", 1)[1].split("&", 1)[0]
    return await complete_connection(
        CompleteConnection(actor_id=user_id, code=fake.consent(url), state=state),
        uow=services.unit_of_work(),
        oauth=google.oauth,
        clock=services.clock,
        secret=google.secret,
        queue=google.queue,
        pending=google.pending,
    )
