"""Many open notification streams (SSE) on one planner, on plain asyncio sockets.

One task per stream reads its frames and hands each notification frame, with the moment its bytes
arrived, to a callback. httpx would cost several times the memory and CPU per stream, and the
client shares the cores with the server it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

STREAM_PATH = "/api/notifications/stream"
OPEN_TIMEOUT_S = 30.0

NotificationSeen = Callable[[str, float], None]
"""Called with a notification's id and the `time.perf_counter()` at which its frame arrived."""


class StreamRefused(Exception):
    """A stream did not open: refused connection, an error status, or no first frame in time."""


@dataclass
class OpenedBatch:
    opened: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


class EventStreams:
    """The open streams of one benchmark, each with the user it belongs to."""

    def __init__(self, base_url: str) -> None:
        address = urlsplit(base_url)
        self._host, self._port = address.hostname or "127.0.0.1", address.port or 80
        self._readers: dict[asyncio.Task[None], str] = {}  # reading task -> user id
        self.on_notification: NotificationSeen = lambda _id, _at: None
        self.ended = 0
        """Streams the server closed (or broke) while the benchmark still wanted them."""

    def __len__(self) -> int:
        return len(self._readers)

    def per_user(self) -> Counter[str]:
        """How many streams each user has open."""
        return Counter(self._readers.values())

    async def open_many(self, people: Iterable[tuple[str, str]], *, concurrency: int) -> OpenedBatch:
        """Open one stream per (user id, token), `concurrency` at a time; count the refusals by reason."""
        gate = asyncio.Semaphore(concurrency)
        batch = OpenedBatch()
        started = time.perf_counter()

        async def one(user_id: str, token: str) -> None:
            async with gate:
                try:
                    await self.open(user_id, token)
                except StreamRefused as exc:
                    batch.refused[str(exc)] += 1
                else:
                    batch.opened += 1

        await asyncio.gather(*(one(user_id, token) for user_id, token in people))
        batch.seconds = time.perf_counter() - started
        return batch

    async def open(self, user_id: str, token: str) -> None:
        """Open a stream and wait for its first frame: then the server has subscribed it to the user's channel."""
        writer: asyncio.StreamWriter | None = None
        try:
            async with asyncio.timeout(OPEN_TIMEOUT_S):
                reader, writer = await asyncio.open_connection(self._host, self._port, limit=2**16)
                writer.write(
                    f"GET {STREAM_PATH} HTTP/1.1\r\nHost: {self._host}:{self._port}\r\n"
                    f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
                )
                status = await _read_head(reader)
                if status != 200:
                    raise StreamRefused(f"HTTP {status}")
                frames = _frames(reader)
                await anext(frames)
        except StreamRefused:
            _close(writer)
            raise
        except (OSError, TimeoutError, asyncio.IncompleteReadError, StopAsyncIteration, ValueError) as exc:
            _close(writer)
            raise StreamRefused(type(exc).__name__) from exc
        task = asyncio.create_task(self._read(frames, writer))
        self._readers[task] = user_id

    async def close_all(self) -> None:
        """Close every stream, as a browser closing its tabs does."""
        tasks = list(self._readers)
        self._readers.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _read(self, frames: AsyncIterator[tuple[bytes, float]], writer: asyncio.StreamWriter) -> None:
        try:
            async for frame, arrived in frames:
                if (notification_id := _notification_id(frame)) is not None:
                    self.on_notification(notification_id, arrived)
            self.ended += 1
        except (OSError, asyncio.IncompleteReadError, ValueError, KeyError, TypeError):
            self.ended += 1
        finally:
            _close(writer)
            self._readers.pop(asyncio.current_task(), None)  # type: ignore[arg-type]


async def _read_head(reader: asyncio.StreamReader) -> int:
    """The status of the answer; its headers are read and dropped (uvicorn streams it chunked)."""
    status_line = await reader.readline()
    parts = status_line.split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise StreamRefused("no HTTP answer")
    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
        pass
    return int(parts[1])


async def _frames(reader: asyncio.StreamReader) -> AsyncIterator[tuple[bytes, float]]:
    """The SSE frames of a chunked answer, lines joined by LF, each with the moment its last bytes arrived."""
    pending = b""
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        if size == 0:
            return
        chunk = await reader.readexactly(size + 2)  # the chunk and its CRLF
        arrived = time.perf_counter()
        # Normalized across chunk borders too: a CR at the end of one chunk meets its LF in the next.
        pending = (pending + chunk[:-2]).replace(b"\r\n", b"\n")
        while (end := pending.find(b"\n\n")) >= 0:
            frame, pending = pending[:end], pending[end + 2 :]
            yield frame, arrived


def _notification_id(frame: bytes) -> str | None:
    """The id of the notification a frame carries; None for other frames (unread counts, keepalives)."""
    lines = frame.split(b"\n")
    if b"event: notification" not in lines:
        return None
    for line in lines:
        if line.startswith(b"data:"):
            return str(json.loads(line[5:])["data"]["notification"]["id"])
    raise ValueError("a notification frame without data")


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.close()
