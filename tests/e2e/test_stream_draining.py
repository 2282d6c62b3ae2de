"""A draining web process sends its notification streams elsewhere: a `retry:` hint, then a clean end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from uuid import UUID

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from domain.notifications.notification import NotificationDraft, NotificationType
from entrypoints.app import create_app
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.http.sse import RESTARTING, RETRY_RESTARTING_MS
from entrypoints.settings import Settings
from tests.e2e.people import Person, sign_up
from tests.support.live_server import live_server


@dataclass
class Ended:
    """What one stream sent, up to the end the server gave it."""

    events: list[tuple[str, str | None]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    retry_ms: int | None = None


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[tuple[Container, str]]:
    container = bootstrap(settings)
    app = create_app(container=container, configure_logs=False)
    async with live_server(app) as base:
        yield container, base


async def stream_until_it_ends(
    base: str, person: Person, opened: asyncio.Event, last_event_id: str | None = None
) -> Ended:
    headers = {"Accept": "text/event-stream", **person.auth}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    ended, frame = Ended(), {}
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=10)) as client,
        client.stream("GET", base + "/api/notifications/stream", headers=headers) as response,
    ):
        assert response.status_code == 200
        async for line in response.aiter_lines():  # ends only when the server ends the stream
            if line.startswith(":"):
                ended.comments.append(line[1:].strip())
            elif line:
                key, _, value = line.partition(":")
                frame[key] = value.strip()
            else:
                if "event" in frame:
                    ended.events.append((frame["event"], frame.get("id")))
                    if frame["event"] == "unread_count":
                        opened.set()
                if "retry" in frame:
                    ended.retry_ms = int(frame["retry"])
                frame = {}
    return ended


async def notify(container: Container, person: Person) -> int:
    """Store a notification for `person`, as the worker does (nobody is listening: the replay must bring it)."""
    async with container.unit_of_work() as uow:
        stored = await uow.notifications.add(
            NotificationDraft(
                user_id=UUID(person.id),
                type=NotificationType.EVENT_INVITED,
                title="Invitation: Planning",
                message="Planning",
                event_id=None,
                dedupe_key=f"draining:{person.id}",
            )
        )
        await uow.commit()
    assert stored is not None
    return stored.seq


async def test_draining_ends_every_open_stream_with_a_spread_retry_hint(
    client: AsyncTestClient[Litestar], served: tuple[Container, str]
) -> None:
    container, base = served
    bob, carol = await sign_up(client, "bob"), await sign_up(client, "carol")
    opened = [asyncio.Event() for _ in range(3)]
    streams = [
        asyncio.create_task(stream_until_it_ends(base, person, event))
        for person, event in zip([bob, bob, carol], opened, strict=True)
    ]
    async with asyncio.timeout(10):
        await asyncio.gather(*(event.wait() for event in opened))
        assert container.connection_registry.drain() == 3
        ended = await asyncio.gather(*streams)

    for stream in ended:
        assert stream.retry_ms is not None
        assert RETRY_RESTARTING_MS[0] <= stream.retry_ms <= RETRY_RESTARTING_MS[1]
        assert stream.comments[-1] == RESTARTING


async def test_a_stream_opened_while_draining_gets_its_replay_then_is_sent_elsewhere(
    client: AsyncTestClient[Litestar], served: tuple[Container, str]
) -> None:
    container, base = served
    bob = await sign_up(client, "bob")
    seq = await notify(container, bob)
    container.connection_registry.drain()

    async with asyncio.timeout(10):
        ended = await stream_until_it_ends(base, bob, asyncio.Event(), last_event_id="0")

    assert ended.events == [("notification", str(seq)), ("unread_count", None)]
    assert ended.retry_ms is not None
    assert ended.comments[-1] == RESTARTING
