"""GET /api/notifications/stream: a user's notifications live, with replay after a reconnect.

The seam between replay and live: the stream subscribes to the user's channel first, then reads
what it missed from PostgreSQL, then relays the channel, skipping any `seq` it already sent and
fetching from PostgreSQL any it never saw. So a reconnect with Last-Event-ID gets no gap and no
duplicate, whichever web process serves it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any
from uuid import UUID

import anyio
import msgspec
import structlog
from litestar.channels import ChannelsPlugin
from litestar.response import ServerSentEventMessage
from redis.asyncio import Redis

from adapters.redis.notifications import ChannelMessage, NotificationWire, user_channel
from domain.notifications.notification import Notification

log = structlog.get_logger(__name__)

KEEPALIVE_S = 15.0
REPLAY_LIMIT = 500
CONNECTIONS_TTL_S = 60


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


class ConnectionRegistry:
    """Open streams per user in this process, mirrored to Redis so admins see the sum over processes."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._key = f"planner:sse:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._open: dict[UUID, int] = {}

    async def opened(self, user_id: UUID) -> None:
        self._open[user_id] = self._open.get(user_id, 0) + 1
        await self._mirror(user_id)

    async def closed(self, user_id: UUID) -> None:
        left = self._open.get(user_id, 0) - 1
        if left > 0:
            self._open[user_id] = left
        else:
            self._open.pop(user_id, None)
        await self._mirror(user_id)

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


async def notification_events(
    *,
    user_id: UUID,
    last_event_id: int | None,
    channels: ChannelsPlugin,
    registry: ConnectionRegistry,
    missed: MissedFn,
    latest: LatestFn,
    keepalive_s: float = KEEPALIVE_S,
) -> AsyncGenerator[ServerSentEventMessage, None]:
    """Replay what came after `last_event_id`, then relay the user's channel, with keepalives."""
    inbox: asyncio.Queue[bytes] = asyncio.Queue()
    subscriber = await channels.subscribe([user_channel(user_id)])
    await registry.opened(user_id)
    try:
        async with subscriber.run_in_background(inbox.put, join=False):
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
                try:
                    raw = await asyncio.wait_for(inbox.get(), keepalive_s)
                except TimeoutError:
                    yield ServerSentEventMessage(data=None, comment="keepalive")
                    continue
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
            await registry.closed(user_id)
