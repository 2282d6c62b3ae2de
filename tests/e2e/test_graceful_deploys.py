"""A deploy restarts web processes one at a time: SIGTERM to one must not drop anyone.

Real `planner run` processes on the test's PostgreSQL and Redis. The stopping process stops accepting, sends its
notification streams elsewhere (a `retry:` hint, then a clean end of the stream) and lets requests in flight finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from entrypoints.settings import Settings
from tests.e2e.delivery import notifications_of, rows
from tests.e2e.people import PASSWORD, at
from tests.e2e.test_planner_up import free_port
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

PEOPLE = 10
STREAMS_PER_PERSON = 20  # 200 streams; each sign-up hashes a password, each stream costs nearly nothing


@dataclass
class WebProcess:
    base: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def terminate(self) -> None:
        os.kill(self.process.pid, signal.SIGTERM)

    def refuses_connections(self) -> bool:
        try:
            with contextlib.closing(socket.create_connection(("127.0.0.1", self.port), timeout=1)):
                return False
        except ConnectionRefusedError:
            return True


@contextlib.asynccontextmanager
async def web_processes(
    settings: Settings, tmp_path: Path, count: int, *args: str, **env: str
) -> AsyncIterator[list[WebProcess]]:
    """`count` processes of `planner run ARGS` on free ports, on the test's servers; once they answer /health."""
    webs: list[WebProcess] = []
    for _ in range(count):
        port = free_port()
        log = tmp_path / f"web-{port}.log"
        process = subprocess.Popen(  # noqa: ASYNC220 - started once, not waited on
            [sys.executable, "-m", "entrypoints.cli", "run", "--port", str(port), *args],
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            # Small pools: the test's PostgreSQL serves two web processes, the worker and the test.
            env={
                **os.environ,
                **settings.export(),
                "LOG_LEVEL": "INFO",
                "DB_POOL_SIZE": "5",
                "DB_MAX_OVERFLOW": "5",
                **env,
            },
            start_new_session=True,
        )
        webs.append(WebProcess(base=f"http://127.0.0.1:{port}", port=port, process=process, log=log))

    async def healthy() -> bool:
        async with httpx.AsyncClient(timeout=2) as client:
            for web in webs:
                assert web.process.poll() is None, f"planner run exited: {web.log.read_text()}"
                try:
                    await client.get(web.base + "/health")  # 503 without a worker: serving all the same
                except httpx.TransportError:
                    return False
        return True

    try:
        await wait_for(healthy, timeout=60, what="the web processes to be healthy", interval=0.2)
        yield webs
    finally:
        for web in webs:
            if web.process.poll() is None:
                os.killpg(web.process.pid, signal.SIGKILL)
            web.process.wait(10)


async def exited(web: WebProcess, *, within: float) -> int:
    """Wait for the process to end; answers its return code."""

    async def ended() -> bool:
        return web.process.poll() is not None

    await wait_for(ended, timeout=within, what=f"the web process on {web.port} to exit", interval=0.1)
    code = web.process.returncode
    assert code is not None
    return code


@dataclass
class Person:
    id: str
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def sign_up(client: httpx.AsyncClient, base: str, name: str) -> Person:
    email = f"{name}@example.com"
    registered = await client.post(
        base + "/api/auth/register", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert registered.status_code == 201, registered.text
    login = await client.post(base + "/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.cookies.clear()
    return Person(id=registered.json()["id"], email=email, token=login.json()["access_token"])


@dataclass
class Follower:
    """One browser tab's EventSource, done by hand: follows the `retry:` hint to the process that stays."""

    person: Person
    seqs: list[int] = field(default_factory=list)
    retry_hints: list[int] = field(default_factory=list)
    served_by: list[str] = field(default_factory=list)
    last_event_ids_sent: list[str | None] = field(default_factory=list)
    live_on: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once the stream on the current process is past its replay (its unread count frame came)."""
    told_to_go: asyncio.Event = field(default_factory=asyncio.Event)
    ended_without_hint: int = 0


async def follow(client: httpx.AsyncClient, tab: Follower, bases: list[str], gate: asyncio.Event) -> None:
    """Stream from bases[0]; when told to go, wait the hinted time (and the test's gate), reconnect to bases[1]."""
    for base in bases:
        last_event_id = str(tab.seqs[-1]) if tab.seqs else None
        headers = {"Accept": "text/event-stream", **tab.person.auth}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        tab.last_event_ids_sent.append(last_event_id)
        tab.live_on.clear()
        async with client.stream("GET", base + "/api/notifications/stream", headers=headers) as response:
            assert response.status_code == 200
            tab.served_by.append(base)
            retry = await _read(response, tab)
        if retry is None:
            tab.ended_without_hint += 1
            return
        tab.retry_hints.append(retry)
        tab.told_to_go.set()
        await asyncio.sleep(retry / 1000)  # what EventSource does with the hint
        await gate.wait()


async def _read(response: httpx.Response, tab: Follower) -> int | None:
    """Read frames until the server ends the stream; answers the `retry:` hint it sent, if any."""
    retry: int | None = None
    frame: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if frame.get("event") == "notification":
                tab.seqs.append(int(frame["id"]))
            elif frame.get("event") == "unread_count":
                tab.live_on.set()
            frame = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(":")
            frame[key] = value.removeprefix(" ")
            if key == "retry":
                retry = int(frame[key])
    return retry


async def invite(client: httpx.AsyncClient, base: str, organizer: Person, people: list[Person], title: str) -> None:
    created = await client.post(
        base + "/api/events",
        json={"title": title, "starts_at": at(10), "ends_at": at(11), "participants": [p.email for p in people]},
        headers=organizer.auth,
    )
    assert created.status_code == 201, created.text


async def stored(engine: AsyncEngine, people: list[Person], count: int) -> bool:
    found = await rows(
        engine,
        "SELECT count(*) AS n FROM notifications WHERE user_id = ANY(CAST(:ids AS uuid[]))",
        ids=[UUID(p.id) for p in people],
    )
    return int(found[0].n) >= count * len(people)


@dataclass
class Tabs:
    """Many tabs following their streams at once."""

    tabs: list[Follower]
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def until(self, condition: Callable[[Follower], bool], what: str, timeout: float = 20) -> None:
        async def holds() -> bool:
            for task in self.tasks:
                if task.done():
                    task.result()  # a tab that failed fails the test now, with its own error
            return all(condition(tab) for tab in self.tabs)

        await wait_for(holds, timeout=timeout, what=what, interval=0.1)


@contextlib.asynccontextmanager
async def following(
    client: httpx.AsyncClient, tabs: list[Follower], bases: list[str], gate: asyncio.Event
) -> AsyncIterator[Tabs]:
    following = Tabs(tabs, [asyncio.create_task(follow(client, tab, bases, gate)) for tab in tabs])
    try:
        yield following
    finally:
        for task in following.tasks:
            task.cancel()
        await asyncio.gather(*following.tasks, return_exceptions=True)


async def test_restarting_one_of_two_web_processes_moves_200_streams_to_the_other_without_a_gap_or_a_repeat(
    settings: Settings, worker: None, engine: AsyncEngine, tmp_path: Path
) -> None:
    gate = asyncio.Event()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    async with (
        web_processes(settings, tmp_path, 2, SSE_STREAMS_PER_PERSON=str(STREAMS_PER_PERSON)) as (a, b),
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=None), limits=limits) as client,
    ):
        organizer, *people = await asyncio.gather(
            *(sign_up(client, (a, b)[i % 2].base, f"person{i}") for i in range(PEOPLE + 1))
        )
        tabs = [Follower(person) for person in people for _ in range(STREAMS_PER_PERSON)]

        async with following(client, tabs, [a.base, b.base], gate) as browsers:
            await browsers.until(lambda tab: tab.live_on.is_set(), "every stream to be open on A")
            await invite(client, a.base, organizer, people, "Before the deploy")
            await browsers.until(lambda tab: len(tab.seqs) == 1, "the first invitation on every stream")

            a.terminate()
            # Created while the streams are away: only the reconnect's replay can bring these.
            await invite(client, b.base, organizer, people, "During the deploy 1")
            await invite(client, b.base, organizer, people, "During the deploy 2")
            await browsers.until(lambda tab: tab.told_to_go.is_set(), "every stream on A to be told to go")
            assert await exited(a, within=10) in (0, -signal.SIGTERM)
            await wait_for(lambda: stored(engine, people, 3), timeout=15, what="the invitations to be stored")
            gate.set()

            await browsers.until(lambda tab: len(tab.served_by) == 2 and tab.live_on.is_set(), "streams on B")
            await invite(client, b.base, organizer, people, "After the deploy 1")
            await invite(client, b.base, organizer, people, "After the deploy 2")
            await browsers.until(lambda tab: len(tab.seqs) >= 5, "five invitations on every stream")
            assert not [task for task in browsers.tasks if task.done()]

    expected = {p.id: [row.seq for row in await notifications_of(engine, p.id)] for p in people}
    for tab in tabs:
        assert tab.seqs == expected[tab.person.id] == [1, 2, 3, 4, 5]
        assert tab.served_by == [a.base, b.base]
        assert tab.last_event_ids_sent == [None, "1"]
        assert tab.ended_without_hint == 0
        (hint,) = tab.retry_hints
        assert 1_000 <= hint <= 3_000
    assert len({hint for tab in tabs for hint in tab.retry_hints}) > 1, "the reconnects are spread over time"
    assert "timeout graceful shutdown exceeded" not in a.log.read_text()


class Upload:
    """A request whose body the client holds back: in flight on the server until `finish` sends it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes) -> None:
        self._reader, self._writer, self._body = reader, writer, body

    @classmethod
    async def start(cls, port: int, token: str, title: str) -> Upload:
        """Send the headers and wait for `100 Continue`: then the app is reading the body, the request is in flight."""
        body = json.dumps({"title": title, "starts_at": at(10), "ends_at": at(11)}).encode()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n".encode()
            + f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n".encode()
        )
        await writer.drain()
        async with asyncio.timeout(10):
            assert (await reader.readline()).startswith(b"HTTP/1.1 100 ")
            assert await reader.readline() == b"\r\n"
        return cls(reader, writer, body)

    async def finish(self) -> int:
        """Send the body; answers the response's status."""
        self._writer.write(self._body)
        await self._writer.drain()
        return await self.status()

    async def status(self) -> int:
        """The response's status, or 0 when the server closed the connection without one."""
        try:
            async with asyncio.timeout(15):
                line = await self._reader.readline()
        finally:
            self._writer.close()
        return int(line.split()[1]) if line else 0


async def test_a_stopping_process_refuses_new_connections_and_finishes_requests_in_flight_within_the_grace_period(
    settings: Settings, engine: AsyncEngine, tmp_path: Path
) -> None:
    async with (
        web_processes(settings, tmp_path, 1, SHUTDOWN_GRACE_SECONDS="3") as (a,),
        httpx.AsyncClient(timeout=10) as client,
    ):
        ada = await sign_up(client, a.base, "ada")
        slow = await Upload.start(a.port, ada.token, "Sent slowly")
        stalled = await Upload.start(a.port, ada.token, "Never sent")

        a.terminate()
        stopped_at = time.monotonic()

        async def refusing() -> bool:
            return a.refuses_connections()

        await wait_for(refusing, timeout=5, what="the stopping process to refuse new connections")
        assert await slow.finish() == 201
        assert a.process.poll() is None, "the process waits for the request still in flight"
        assert await exited(a, within=15) in (0, -signal.SIGTERM)
        waited = time.monotonic() - stopped_at
        assert await stalled.status() in (0, 500)

    assert 3 <= waited < 10, f"the grace period is SHUTDOWN_GRACE_SECONDS=3, the process took {waited:.1f} s"
    assert "timeout graceful shutdown exceeded" in a.log.read_text()
    titles = [row.title for row in await rows(engine, "SELECT title FROM events")]
    assert titles == ["Sent slowly"]


async def test_planner_run_with_several_uvicorn_processes_sends_every_stream_elsewhere_on_sigterm(
    settings: Settings, tmp_path: Path
) -> None:
    async with (
        web_processes(settings, tmp_path, 1, "--workers", "2") as (a,),
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=None), limits=httpx.Limits(max_connections=None)) as client,
    ):
        ada = await sign_up(client, a.base, "ada")
        tabs = [Follower(ada) for _ in range(8)]
        async with following(client, tabs, [a.base], asyncio.Event()) as browsers:
            await browsers.until(lambda tab: tab.live_on.is_set(), "every stream to be open")
            a.terminate()  # uvicorn's supervisor, which hands SIGTERM to each of its processes
            await browsers.until(lambda tab: bool(tab.retry_hints), "every stream to be told to go")
            assert await exited(a, within=15) in (0, -signal.SIGTERM)
    assert "timeout graceful shutdown exceeded" not in a.log.read_text()
