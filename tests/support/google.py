"""Planner wired to a fake Google: settings, the app on a real socket Google can push to, a worker, connecting."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn
from litestar import Litestar
from saq.job import Job as SaqJob

from adapters.saq.google_sync import SYNC_CALENDAR_TASK
from adapters.saq.queue import create_queue
from entrypoints.app import create_app
from entrypoints.serve import QuietServer
from entrypoints.settings import GoogleSettings, Settings
from entrypoints.worker.settings import build_worker, saq_config
from tests.e2e.people import Person, sign_up
from tests.fakes.google import CLIENT_ID, CLIENT_SECRET, FakeGoogle
from tests.support.waiting import wait_for


def google_settings(settings: Settings, fake: FakeGoogle, public_base_url: str) -> Settings:
    """`settings` with Google pointed at the fake, fast backoff, and the address Google pushes to."""
    return dataclasses.replace(
        settings,
        public_base_url=public_base_url,
        google=GoogleSettings(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            auth_uri=f"{fake.base_url}/auth",
            token_uri=f"{fake.base_url}/token",
            revoke_uri=f"{fake.base_url}/revoke",
            api_base_url=fake.api_base,
            retry_base_ms=1,
        ),
    )


@dataclasses.dataclass
class Planner:
    url: str
    app: Litestar
    http: httpx.AsyncClient
    settings: Settings

    async def person(self, name: str) -> Person:
        return await sign_up(cast(Any, self.http), name)


@asynccontextmanager
async def serving(settings: Settings, fake: FakeGoogle) -> AsyncIterator[Planner]:
    """Planner on a free loopback port, configured so that the fake Google's pushes reach it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    configured = google_settings(settings, fake, url)
    app = create_app(configured, configure_logs=False)
    server = QuietServer(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            yield Planner(url=url, app=app, http=http, settings=configured)
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        sock.close()


@asynccontextmanager
async def running_worker(settings: Settings) -> AsyncIterator[None]:
    """A real SAQ worker for these settings, in the test's event loop."""
    queue = create_queue(settings.redis.url or "")
    await queue.connect()
    worker = build_worker(saq_config(settings, queue))
    task = asyncio.create_task(worker.start())

    async def reported_in() -> bool:
        return bool((await queue.info())["workers"])

    try:
        await wait_for(reported_in, timeout=10, what="the worker to report in")
        yield
    finally:
        await worker.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await queue.disconnect()


async def queued_syncs(settings: Settings) -> list[SaqJob]:
    """The incremental-sync jobs on the queue (pushes queue them), whatever their state."""
    queue = create_queue(settings.redis.url or "")
    try:
        return [job async for job in queue.iter_jobs() if job.function == SYNC_CALENDAR_TASK]
    finally:
        await queue.disconnect()


async def consent_url(person: Person) -> str:
    """The Google consent URL planner sends the person to."""
    answer = await person.get("/api/google/connect", params={"redirect": "false"})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["authorization_url"])


def state_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


async def start_connecting(person: Person) -> str:
    """The OAuth state planner binds to the person, read from the consent URL it sends them to."""
    return state_of(await consent_url(person))


async def connect(person: Person, fake: FakeGoogle) -> str:
    """Go through consent and the callback; answers the full-sync job's id."""
    url = await consent_url(person)
    answer = await person.get("/api/google/callback", params={"code": fake.consent(url), "state": state_of(url)})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["job_id"])


async def job_of(person: Person, job_id: str) -> dict[str, Any]:
    answer = await person.get(f"/api/jobs/{job_id}")
    assert answer.status_code == 200, answer.text
    return cast(dict[str, Any], answer.json())


async def wait_for_job(person: Person, job_id: str, *statuses: str, timeout: float = 20) -> dict[str, Any]:
    """Wait until the job reaches one of `statuses`; answers it."""
    seen: dict[str, Any] = {}

    async def reached() -> bool:
        seen.update(await job_of(person, job_id))
        return seen["status"] in statuses

    await wait_for(reached, timeout=timeout, what=f"job {job_id} to be {' or '.join(statuses)} (last: {seen})")
    return seen


async def watched(fake: FakeGoogle, calendar_id: str, *, timeout: float = 10) -> None:
    """Wait until planner has a push channel open on this calendar of the fake Google."""

    async def has_channel() -> bool:
        return bool(fake.channels_on(calendar_id))

    await wait_for(has_channel, timeout=timeout, what=f"a channel on {calendar_id}")
