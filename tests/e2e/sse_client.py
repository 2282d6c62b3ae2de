"""A small SSE reader over httpx for tests: frames as dicts with event, id, data (parsed JSON)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Stream:
    status: int
    frames: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    comments: list[str] = field(default_factory=list)

    async def next(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next frame of this event name, skipping others, within `timeout` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.frames.get()
                if frame.get("event") == kind:
                    return frame

    async def nothing_more(self, kind: str, within: float) -> bool:
        """True when no frame of this kind arrives within `within` seconds."""
        try:
            await self.next(kind, within)
        except TimeoutError:
            return True
        return False


@asynccontextmanager
async def open_stream(
    base: str, token: str | None, last_event_id: str | None = None, cookies: dict[str, str] | None = None
) -> AsyncIterator[Stream]:
    headers = {"Accept": "text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    async with (
        httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(10, read=None), cookies=cookies) as client,
        client.stream("GET", "/api/notifications/stream", headers=headers) as response,
    ):
        stream = Stream(status=response.status_code)
        reader = asyncio.create_task(_read(response, stream)) if response.status_code == 200 else None
        try:
            yield stream
        finally:
            if reader:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                    await reader


async def _read(response: httpx.Response, stream: Stream) -> None:
    frame: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "data" in frame:
                frame["json"] = json.loads(frame["data"])
                await stream.frames.put(frame)
            frame = {}
        elif line.startswith(":"):
            stream.comments.append(line[1:].strip())
        else:
            key, _, value = line.partition(":")
            value = value.removeprefix(" ")
            frame[key] = frame["data"] + "\n" + value if key == "data" and "data" in frame else value
