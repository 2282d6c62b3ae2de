"""Fan-out of notifications to every web process through Redis pub/sub (Litestar's channels backend)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from uuid import UUID

import msgspec
import structlog
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.telemetry.series import NOTIFICATIONS_SENT
from application.notifications.live_messages import ChannelMessage, NotificationWire, user_channel
from domain.notifications.notification import Notification

log = structlog.get_logger(__name__)

CHANNEL_PREFIX = "planner_channels"
PUBLISH_TIMEOUT_S = 2.0


class SerializedPubSubBackend(RedisChannelsPubSubBackend):
    """Litestar's Redis pub/sub backend, with (un)subscriptions taken one at a time.

    redis-py's PubSub opens its connection lazily on the first (un)subscribe; two first calls at
    the same instant (every browser reconnecting to a fresh process after a deploy) each open
    one, and only the last is read: the other users would get nothing live on this process.
    """

    def __init__(self, *, redis: Redis, key_prefix: str) -> None:
        super().__init__(redis=redis, key_prefix=key_prefix)
        self._subscriptions_lock = asyncio.Lock()

    async def subscribe(self, channels: Iterable[str]) -> None:
        async with self._subscriptions_lock:
            await super().subscribe(channels)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        async with self._subscriptions_lock:
            await super().unsubscribe(channels)


def channels_backend(redis: Redis) -> RedisChannelsPubSubBackend:
    """The backend both the web processes (subscribers) and the workers (publishers) use."""
    return SerializedPubSubBackend(redis=redis, key_prefix=CHANNEL_PREFIX)


class RedisNotificationPublisher:
    """NotificationPublisher on Redis pub/sub; any web process serving the user relays it.

    Best effort by design: the notification is already stored, and a page that missed the push
    gets it on its next reconnect (Last-Event-ID replay) or unread-count poll.
    """

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._backend = channels_backend(redis)

    async def notification_created(self, notification: Notification, unread_count: int) -> None:
        message = ChannelMessage(
            unread_count=unread_count, seq=notification.seq, notification=NotificationWire.of(notification)
        )
        await self._publish(message, notification.user_id)
        NOTIFICATIONS_SENT.inc()

    async def notifications_created(self, created: Sequence[tuple[Notification, int]]) -> None:
        """One pipeline of PUBLISH commands, one round trip however many; raises when Redis fails."""
        if not created:
            return

        async def publish_all() -> None:
            # The channels backend's own publish sends one message to many channels; these differ per reader.
            async with self._redis.pipeline(transaction=False) as pipe:
                for notification, unread_count in created:
                    message = ChannelMessage(
                        unread_count=unread_count, seq=notification.seq, notification=NotificationWire.of(notification)
                    )
                    pipe.publish(user_channel(notification.user_id), msgspec.json.encode(message))
                await pipe.execute()

        await asyncio.wait_for(publish_all(), PUBLISH_TIMEOUT_S)
        NOTIFICATIONS_SENT.inc(len(created))

    async def unread_count_changed(self, user_id: UUID, unread_count: int) -> None:
        await self._publish(ChannelMessage(unread_count=unread_count), user_id)

    async def calendars_changed(self, user_ids: Iterable[UUID]) -> None:
        people = set(user_ids)
        if people:
            await self._publish(ChannelMessage(calendars_changed=True), *people)

    async def _publish(self, message: ChannelMessage, *user_ids: UUID) -> None:
        # One script call publishes to every channel named.
        channels = [user_channel(user_id) for user_id in user_ids]
        try:
            await asyncio.wait_for(self._backend.publish(msgspec.json.encode(message), channels), PUBLISH_TIMEOUT_S)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning(
                "notifications.publish_failed", user_ids=[str(user_id) for user_id in user_ids], error=repr(exc)
            )
