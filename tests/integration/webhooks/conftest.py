"""Webhooks on the real PostgreSQL, sent over real HTTP to receivers on 127.0.0.1, with a clock tests move."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.postgres.outbox.codec import decode_event
from adapters.postgres.webhooks import PostgresWebhookStore
from adapters.webhooks.receiver_addresses import ReceiverAddresses
from adapters.webhooks.sender import AiohttpWebhookSender
from application.handlers import WebhookPlanning, act_on_outbox_message
from application.notifications.create_notification import create_notification
from application.webhooks.plan_deliveries import PublishingToWebhooks
from application.webhooks.send_deliveries import DeliveryPorts
from application.webhooks.subscriptions import SubscribeWebhook, subscribe_webhook
from domain.accounts.user import User
from domain.domain_events import DomainEvent
from domain.notifications.notification import NotificationDraft
from domain.webhooks.subscription import WebhookSubscription
from tests.fakes.clock import ManualClock
from tests.fakes.notifications import RecordingPublisher
from tests.integration.scheduling.office import PostgresOffice


@dataclass
class RecordingQueue:
    """The webhook queue without SAQ: remembers what it was asked to send, and when."""

    now: list[UUID] = field(default_factory=list)
    later: list[tuple[UUID, datetime]] = field(default_factory=list)
    asked_now: int = 0

    async def send_now(self, delivery_ids: Sequence[UUID]) -> None:
        self.asked_now += 1
        self.now.extend(delivery_ids)

    async def send_at(self, delivery_id: UUID, when: datetime) -> None:
        self.later.append((delivery_id, when))

    def take_now(self) -> list[UUID]:
        taken, self.now = self.now, []
        return taken


class _Messages:
    """Outbox messages as the worker reads them: what a use case committed, acted on like the outbox task does."""

    def __init__(self, office: PostgresOffice) -> None:
        self._office = office
        self._seen = 0

    async def unprocessed_message(self, outbox_id: int) -> Any:
        rows = await self._office.rows("SELECT id, name, payload FROM outbox WHERE id = :id", id=outbox_id)
        return _Stored(decode_event(rows[0].name, rows[0].payload)) if rows else None

    async def mark_processed(self, outbox_id: int) -> None:
        self._seen = max(self._seen, outbox_id)

    async def new_ids(self) -> list[int]:
        rows = await self._office.rows("SELECT id FROM outbox WHERE id > :seen ORDER BY id", seen=self._seen)
        return [row.id for row in rows]


@dataclass(frozen=True)
class _Stored:
    event: DomainEvent


class Webhooks:
    """A planner on PostgreSQL with webhooks: people, events, subscriptions, and the worker's steps run by hand."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, allow_private: bool = True) -> None:
        self.office = PostgresOffice(sessions)
        self.office.clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
        self.clock = self.office.clock
        self.store = PostgresWebhookStore(sessions)
        self.queue = RecordingQueue()
        # As in the worker: the live publisher, wrapped so every stored notification is told as notification.created.
        self.live = RecordingPublisher()
        self.publisher = PublishingToWebhooks(self.live, store=self.store, queue=self.queue)
        self.addresses = ReceiverAddresses(allow_private=allow_private)
        self.sender = AiohttpWebhookSender(self.addresses)
        self._messages = _Messages(self.office)
        self.ports = DeliveryPorts(
            store=self.store,
            sender=self.sender,
            queue=self.queue,
            clock=self.clock,
            tell_owner=self._tell_owner,
            jitter=lambda: 0.0,
        )

    async def tell_owner(self, draft: NotificationDraft) -> None:
        """Store and publish one notification, as a Google sync failure or a disabled webhook does."""
        await self._tell_owner(draft)

    async def _tell_owner(self, draft: NotificationDraft) -> None:
        await create_notification(draft, uow=self.office.unit_of_work(), publisher=self.publisher)

    async def subscribe(self, owner: User, url: str, events: list[str], **fields: Any) -> WebhookSubscription:
        command = SubscribeWebhook(owner_id=owner.id, owner_is_admin=owner.is_admin, url=url, events=events, **fields)
        return await subscribe_webhook(
            command, uow=self.office.unit_of_work(), store=self.store, addresses=self.addresses, clock=self.clock
        )

    async def act_on_outbox(self) -> None:
        """Run the outbox reactions of every message committed since the last call (as the outbox task does)."""
        for outbox_id in await self._messages.new_ids():
            await act_on_outbox_message(
                outbox_id,
                outbox=self._messages,
                unit_of_work=self.office.unit_of_work,
                publisher=self.publisher,
                webhooks=WebhookPlanning(store=self.store, queue=self.queue),
            )

    async def close(self) -> None:
        await self.sender.close()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
async def hooks(sessions: async_sessionmaker[AsyncSession]) -> Any:
    planner = Webhooks(sessions)
    yield planner
    await planner.close()
