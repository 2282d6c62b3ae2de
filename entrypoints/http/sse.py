"""GET /api/notifications/stream: a user's notifications live, with replay after a reconnect.

The seam between replay and live: the stream subscribes to the user's channel first, then reads
what it missed from PostgreSQL, then relays the channel, skipping any `seq` it already sent and
fetching from PostgreSQL any it never saw. So a reconnect with Last-Event-ID gets no gap and no
duplicate, whichever web process serves it.

Bounded: a person holds at most SSE_STREAMS_PER_PERSON streams in a process (a new one closes the
oldest), a stream buffers at most INBOX_SIZE frames for a slow reader (then it is closed with a
`retry:` hint, and the reconnect replays what it missed), and a stream ends when its token expires.

A stopping process (a deploy) drains: `ConnectionRegistry.drain` closes every stream with a `retry:` hint, so the
browser reconnects, with its Last-Event-ID, to a process that stays; uvicorn would otherwise wait on the streams
until its grace period ends and then cut them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import uuid
from collections import OrderedDict
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import anyio
import msgspec
import structlog
from litestar.channels import ChannelsPlugin
from litestar.response import ServerSentEventMessage
from redis.asyncio import Redis

from application.notifications.live_messages import ChannelMessage, NotificationWire, user_channel
from domain.notifications.notification import Notification
from entrypoints.telemetry.series import SSE_STREAMS_OPEN

log = structlog.get_logger(__name__)

KEEPALIVE_S = 15.0
REPLAY_LIMIT = 500
CONNECTIONS_TTL_S = 60
INBOX_SIZE = 200
"""Frames kept for a stream whose reader is behind; one more and it is closed (the reconnect replays)."""
RETRY_SLOW_MS = 5_000
RETRY_EVICTED_MS = 60_000  # long: a person with too many tabs should not have them evict each other in a loop
RETRY_EXPIRED_MS = 1_000
RETRY_RESTARTING_MS = (1_000, 3_000)
"""A draining process's streams reconnect after a random delay in this range: spread, so that the thousands of streams
of one process do not all land on the others (each with a replay query) in the same instant."""
RESTARTING = "this server is restarting; reconnect"
_CLOSE = b""


class StreamFrame(msgspec.Struct):
    type: str
    data: dict[str, Any]


def notification_frame(notification: NotificationWire, seq: int) -> ServerSentEventMessage:
    body = StreamFrame(type="notification", data={"notification": notification})
    return ServerSentEventMessage(data=msgspec.json.encode(body).decode(), event="notification", id=seq)


CALENDARS_CHANGED = ServerSentEventMessage(data='{"type": "calendars_changed"}', event="calendars_changed")
"""What the user sees in their calendars changed (a Google sync): open pages reload it."""


def unread_frame(count: int) -> ServerSentEventMessage:
    body = StreamFrame(type="unread_count", data={"count": count})
    return ServerSentEventMessage(data=msgspec.json.encode(body).decode(), event="unread_count")


def parse_last_event_id(raw: str | None) -> int | None:
    """A malformed Last-Event-ID means a live stream from now, not an error."""
    if raw is None or not raw.strip().isdigit() or len(raw.strip()) > 18:
        return None
    return int(raw.strip())


CloseFn = Callable[[str, int], None]
"""Asks one stream to end: the reason (a comment for the reader) and the `retry:` hint in milliseconds."""


class ConnectionRegistry:
    """Open streams per user in this process, mirrored to Redis so admins see the sum over processes."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._key = f"planner:sse:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._open: dict[UUID, int] = {}
        self._streams: dict[UUID, OrderedDict[int, CloseFn]] = {}
        self._stream_ids = itertools.count(1)
        self._draining = False

    async def opened(self, user_id: UUID, *, close: CloseFn | None = None, keep_at_most: int | None = None) -> int:
        """Count a stream; past `keep_at_most` of the user's, the oldest is told to close. Answers its id.

        `close(reason, retry_ms)` asks the stream to end with that `retry:` hint (eviction, drain).
        """
        stream = next(self._stream_ids)
        close = close or (lambda reason, retry_ms: None)
        streams = self._streams.setdefault(user_id, OrderedDict())
        streams[stream] = close
        while keep_at_most is not None and len(streams) > keep_at_most:
            _, evict = streams.popitem(last=False)
            evict("closed for a newer stream of yours", RETRY_EVICTED_MS)
        if self._draining:  # opened in the moment before the process stopped accepting
            close(RESTARTING, _restart_retry_ms())
        self._open[user_id] = self._open.get(user_id, 0) + 1
        SSE_STREAMS_OPEN.inc()
        await self._mirror(user_id)
        return stream

    async def closed(self, user_id: UUID, stream: int | None = None) -> None:
        streams = self._streams.get(user_id)
        if streams is not None and stream is not None:
            streams.pop(stream, None)
            if not streams:
                del self._streams[user_id]
        left = self._open.get(user_id, 0) - 1
        if left >= 0:
            SSE_STREAMS_OPEN.dec()
        if left > 0:
            self._open[user_id] = left
        else:
            self._open.pop(user_id, None)
        await self._mirror(user_id)

    def drain(self) -> int:
        """This process is stopping: tell every open stream, and any opened from now on, to reconnect elsewhere.

        Answers how many streams were told.
        """
        self._draining = True
        told = 0
        for streams in self._streams.values():
            for close in streams.values():
                close(RESTARTING, _restart_retry_ms())
                told += 1
        log.info("sse.draining", streams=told)
        return told

    async def _mirror(self, user_id: UUID) -> None:
        with contextlib.suppress(Exception):  # operators' figures must never break someone's stream
            async with self._redis.pipeline(transaction=True) as pipe:
                count = self._open.get(user_id, 0)
                if count:
                    pipe.hset(self._key, str(user_id), str(count))
                else:
                    pipe.hdel(self._key, str(user_id))
                pipe.expire(self._key, CONNECTIONS_TTL_S)
                await pipe.execute()

    async def refresh(self) -> None:
        """Keep this process's entry alive; a dead process's entry expires by itself."""
        with contextlib.suppress(Exception):
            if self._open:
                await self._redis.hset(self._key, mapping={str(k): str(v) for k, v in self._open.items()})  # type: ignore[misc]
            await self._redis.expire(self._key, CONNECTIONS_TTL_S)


def _restart_retry_ms() -> int:
    return random.randint(*RETRY_RESTARTING_MS)  # noqa: S311 - spreading reconnects, not a secret


async def all_connections(redis: Redis) -> dict[str, int]:
    """Open streams per user id, summed over every web process."""
    totals: dict[str, int] = {}
    async for key in redis.scan_iter(match="planner:sse:*", count=500):
        entries: dict[bytes, bytes] = await redis.hgetall(key)  # type: ignore[misc]
        for user_id, count in entries.items():
            name = user_id.decode() if isinstance(user_id, bytes) else str(user_id)
            totals[name] = totals.get(name, 0) + int(count)
    return totals


MissedFn = Callable[[UUID, int, int], Awaitable[list[Notification]]]
LatestFn = Callable[[UUID], Awaitable[tuple[int, int]]]


async def notification_events(  # noqa: PLR0912, PLR0915 - one stream's whole life, read top to bottom
    *,
    user_id: UUID,
    last_event_id: int | None,
    channels: ChannelsPlugin,
    registry: ConnectionRegistry,
    missed: MissedFn,
    latest: LatestFn,
    keepalive_s: float = KEEPALIVE_S,
    streams_per_person: int | None = None,
    expires_at: datetime | None = None,
    still_signed_in: Callable[[], Awaitable[bool]] | None = None,
    inbox_size: int = INBOX_SIZE,
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """Replay what came after `last_event_id`, then relay the user's channel, with keepalives.

    The stream ends with its token (`expires_at`) and, checked at each keepalive, with its session
    (`still_signed_in`: a sign-out everywhere closes every stream of the person).
    """
    # One slot more than the frames kept: room for the close marker even when the inbox is full.
    inbox: asyncio.Queue[bytes] = asyncio.Queue(maxsize=inbox_size + 1)
    why_closed: list[tuple[str, int]] = []

    def close(reason: str, retry_ms: int) -> None:
        if not why_closed:
            log.info("sse.closing", user_id=str(user_id), reason=reason)
            why_closed.append((reason, retry_ms))
            inbox.put_nowait(_CLOSE)

    async def deliver(raw: bytes) -> None:
        if why_closed:
            return
        if inbox.qsize() >= inbox_size:
            close("too far behind; reconnect to catch up", RETRY_SLOW_MS)
            return
        inbox.put_nowait(raw)

    subscriber = await channels.subscribe([user_channel(user_id)])
    stream = await registry.opened(
        user_id,
        close=close,
        keep_at_most=streams_per_person,
    )
    try:
        async with subscriber.run_in_background(deliver, join=False):
            newest_seq, unread = await latest(user_id)
            sent = newest_seq if last_event_id is None else min(last_event_id, newest_seq)
            while sent < newest_seq:
                batch = await missed(user_id, sent, REPLAY_LIMIT)
                if not batch:
                    break
                for notification in batch:
                    yield notification_frame(NotificationWire.of(notification), notification.seq)
                    sent = notification.seq
            yield unread_frame(unread)
            while True:
                wait_s = keepalive_s
                if expires_at is not None:
                    left_s = (expires_at - datetime.now(UTC)).total_seconds()
                    if left_s <= 0:
                        close("the session expired; sign in again", RETRY_EXPIRED_MS)  # queued: read at once
                    else:
                        wait_s = min(wait_s, left_s)
                try:
                    raw = await asyncio.wait_for(inbox.get(), wait_s)
                except TimeoutError:
                    if still_signed_in is not None and not await still_signed_in():
                        close("the session ended; sign in again", RETRY_EXPIRED_MS)
                    elif expires_at is None or expires_at > datetime.now(UTC):
                        yield ServerSentEventMessage(data=None, comment="keepalive")
                    continue
                if raw == _CLOSE:
                    reason, retry_ms = why_closed[0]
                    yield ServerSentEventMessage(data=None, comment=reason, retry=retry_ms)
                    return
                message = msgspec.json.decode(raw, type=ChannelMessage)
                if message.seq is not None and message.notification is not None:
                    if message.seq <= sent:
                        continue  # already replayed
                    if message.seq > sent + 1:  # committed in between but never seen live: fetch it
                        for notification in await missed(user_id, sent, message.seq - sent - 1):
                            yield notification_frame(NotificationWire.of(notification), notification.seq)
                    yield notification_frame(message.notification, message.seq)
                    sent = message.seq
                if message.unread_count is not None:
                    yield unread_frame(message.unread_count)
                if message.calendars_changed:
                    yield CALENDARS_CHANGED
    finally:
        # A closed tab arrives as cancellation; shield the clean-up so it still runs to the end.
        with anyio.CancelScope(shield=True):
            with contextlib.suppress(Exception):
                await channels.unsubscribe(subscriber)
            await registry.closed(user_id, stream)
