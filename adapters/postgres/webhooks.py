"""Webhook subscriptions, deliveries and their log on PostgreSQL; each method is a short transaction of its own.

Deliveries are claimed with FOR UPDATE SKIP LOCKED and a lease (their next attempt moved on): two
workers never send the same delivery at once, and one that died mid-send leaves it to be sent again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, and_, bindparam, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.models import WebhookAttemptRow, WebhookDeliveryRow, WebhookSubscriptionRow
from domain.webhooks.delivery import DeliveryAnswer, DeliveryAttempt, DeliveryStatus, WebhookDelivery
from domain.webhooks.ports import AttemptOutcome, ClaimedDelivery, LoggedDelivery
from domain.webhooks.subscription import WebhookEventType, WebhookScope, WebhookSubscription

_SUBSCRIPTION = WebhookSubscriptionRow.__table__
_DELIVERY = WebhookDeliveryRow.__table__
_ATTEMPT = WebhookAttemptRow.__table__
_DELIVERY_TABLE = cast(Table, WebhookDeliveryRow.__table__)


class PostgresWebhookStore:
    """Implements domain.webhooks.ports.WebhookStore."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add_subscription(self, subscription: WebhookSubscription) -> None:
        async with self._sessions.begin() as session:
            await session.execute(insert(WebhookSubscriptionRow).values(**_subscription_values(subscription)))

    async def subscription(self, subscription_id: UUID) -> WebhookSubscription | None:
        async with self._sessions() as session:
            row = (
                await session.execute(select(_SUBSCRIPTION).where(WebhookSubscriptionRow.id == subscription_id))
            ).one_or_none()
        return None if row is None else _subscription(row)

    async def subscriptions_of(self, owner_id: UUID) -> list[WebhookSubscription]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(_SUBSCRIPTION)
                .where(WebhookSubscriptionRow.owner_id == owner_id)
                .order_by(WebhookSubscriptionRow.id)
            )
        return [_subscription(row) for row in rows]

    async def save_state(self, subscription: WebhookSubscription) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(WebhookSubscriptionRow)
                .where(WebhookSubscriptionRow.id == subscription.id)
                .values(failing_since=subscription.failing_since, disabled_at=subscription.disabled_at)
            )

    async def remove_subscription(self, subscription_id: UUID) -> None:
        async with self._sessions.begin() as session:
            await session.execute(delete(WebhookSubscriptionRow).where(WebhookSubscriptionRow.id == subscription_id))

    async def subscriptions_wanting(self, event_types: Sequence[WebhookEventType]) -> list[WebhookSubscription]:
        if not event_types:
            return []
        async with self._sessions() as session:
            rows = await session.execute(
                select(_SUBSCRIPTION).where(
                    WebhookSubscriptionRow.disabled_at.is_(None),
                    WebhookSubscriptionRow.event_types.overlap([kind.value for kind in event_types]),
                )
            )
        return [_subscription(row) for row in rows]

    async def plan(self, deliveries: Sequence[tuple[WebhookDelivery, str]]) -> list[UUID]:
        if not deliveries:
            return []
        values = [{**_delivery_values(delivery), "source_key": source_key} for delivery, source_key in deliveries]
        pairs = [(delivery.subscription_id, source_key) for delivery, source_key in deliveries]
        async with self._sessions.begin() as session:
            # executemany of one cached statement: a multi-row VALUES is compiled again for every plan.
            await session.execute(insert(WebhookDeliveryRow).on_conflict_do_nothing(), values)
            rows = await session.execute(
                select(WebhookDeliveryRow.id).where(
                    WebhookDeliveryRow.status == DeliveryStatus.PENDING.value,
                    or_(
                        *(
                            and_(WebhookDeliveryRow.subscription_id == sub, WebhookDeliveryRow.source_key == key)
                            for sub, key in pairs
                        )
                    ),
                )
            )
            return list(rows.scalars())

    async def claim(
        self, *, now: datetime, lease: timedelta, limit: int, ids: Sequence[UUID] | None = None
    ) -> list[ClaimedDelivery]:
        due = (
            select(WebhookDeliveryRow.id)
            .join(WebhookSubscriptionRow, WebhookSubscriptionRow.id == WebhookDeliveryRow.subscription_id)
            .where(
                WebhookDeliveryRow.status == DeliveryStatus.PENDING.value,
                WebhookDeliveryRow.next_attempt_at <= now,
                WebhookSubscriptionRow.disabled_at.is_(None),
            )
            .order_by(WebhookDeliveryRow.next_attempt_at)
            .limit(limit)
            .with_for_update(of=WebhookDeliveryRow, skip_locked=True)
        )
        if ids is not None:
            due = due.where(WebhookDeliveryRow.id.in_(list(ids)))
        async with self._sessions.begin() as session:
            claimed = (
                await session.execute(
                    update(WebhookDeliveryRow)
                    .where(WebhookDeliveryRow.id.in_(due.scalar_subquery()))
                    .values(next_attempt_at=now + lease)
                    .returning(*_DELIVERY.c)
                    .execution_options(synchronize_session=False)
                )
            ).all()
            if not claimed:
                return []
            subscriptions = {
                row.id: _subscription(row)
                for row in await session.execute(
                    select(_SUBSCRIPTION).where(WebhookSubscriptionRow.id.in_({row.subscription_id for row in claimed}))
                )
            }
        return [
            ClaimedDelivery(delivery=_delivery(row), subscription=subscriptions[row.subscription_id]) for row in claimed
        ]

    async def record(self, outcomes: Sequence[AttemptOutcome]) -> set[UUID]:
        if not outcomes:
            return set()
        newly_disabled: set[UUID] = set()
        async with self._sessions.begin() as session:
            # One statement for the whole batch (executemany), not a round trip per delivery.
            await session.execute(
                update(_DELIVERY_TABLE)
                .where(_DELIVERY_TABLE.c.id == bindparam("delivery_id"))
                .values(
                    status=bindparam("new_status"),
                    attempts=bindparam("new_attempts"),
                    next_attempt_at=bindparam("new_next_attempt_at"),
                ),
                [
                    {
                        "delivery_id": outcome.delivery.id,
                        "new_status": outcome.delivery.status.value,
                        "new_attempts": outcome.delivery.attempts,
                        "new_next_attempt_at": outcome.delivery.next_attempt_at,
                    }
                    for outcome in outcomes
                ],
            )
            await session.execute(insert(WebhookAttemptRow), [_attempt_values(outcome.attempt) for outcome in outcomes])
            by_subscription: dict[UUID, list[AttemptOutcome]] = {}
            for outcome in outcomes:
                by_subscription.setdefault(outcome.subscription.id, []).append(outcome)
            # A healthy subscription's row is not even locked: every delivery to it would queue on that lock.
            by_subscription = {
                key: told for key, told in by_subscription.items() if any(o.changes_subscription for o in told)
            }
            # Locked in the order of their ids: two workers recording for the same subscriptions never deadlock.
            for subscription_id in sorted(by_subscription):
                if await self._record_for(session, subscription_id, by_subscription[subscription_id]):
                    newly_disabled.add(subscription_id)
        return newly_disabled

    async def _record_for(self, session: AsyncSession, subscription_id: UUID, outcomes: list[AttemptOutcome]) -> bool:
        before = (
            await session.execute(
                select(WebhookSubscriptionRow.disabled_at, WebhookSubscriptionRow.failing_since)
                .where(WebhookSubscriptionRow.id == subscription_id)
                .with_for_update()
            )
        ).one_or_none()
        if before is None:  # deleted meanwhile
            return False
        failing_since, disabled_at = before.failing_since, before.disabled_at
        for outcome in outcomes:
            if outcome.attempt.answer.succeeded:
                failing_since = None
            else:
                # A failure while an earlier spell is under way keeps the earlier start.
                failing_since = failing_since or outcome.subscription.failing_since
            disabled_at = disabled_at or outcome.subscription.disabled_at
        await session.execute(
            update(WebhookSubscriptionRow)
            .where(WebhookSubscriptionRow.id == subscription_id)
            .values(failing_since=failing_since, disabled_at=disabled_at)
        )
        return before.disabled_at is None and disabled_at is not None

    async def deliveries_of(self, subscription_id: UUID, *, limit: int) -> list[LoggedDelivery]:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(_DELIVERY)
                    .where(WebhookDeliveryRow.subscription_id == subscription_id)
                    .order_by(WebhookDeliveryRow.created_at.desc(), WebhookDeliveryRow.id.desc())
                    .limit(limit)
                )
            ).all()
            attempts: dict[UUID, list[DeliveryAttempt]] = {row.id: [] for row in rows}
            if rows:
                for line in await session.execute(
                    select(_ATTEMPT)
                    .where(WebhookAttemptRow.delivery_id.in_(list(attempts)))
                    .order_by(WebhookAttemptRow.attempt.desc())
                ):
                    attempts[line.delivery_id].append(_attempt(line))
        return [LoggedDelivery(delivery=_delivery(row), attempts=attempts[row.id]) for row in rows]

    async def delivery(self, subscription_id: UUID, delivery_id: UUID) -> WebhookDelivery | None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(_DELIVERY).where(
                        WebhookDeliveryRow.id == delivery_id, WebhookDeliveryRow.subscription_id == subscription_id
                    )
                )
            ).one_or_none()
        return None if row is None else _delivery(row)

    async def save_delivery(self, delivery: WebhookDelivery) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.id == delivery.id)
                .values(status=delivery.status.value, next_attempt_at=delivery.next_attempt_at)
            )

    async def prune(self, *, created_before: datetime, limit: int) -> int:
        old = (
            select(WebhookDeliveryRow.id)
            .where(WebhookDeliveryRow.created_at < created_before)
            .order_by(WebhookDeliveryRow.created_at)
            .limit(limit)
        )
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.id.in_(old.scalar_subquery()))
                .returning(WebhookDeliveryRow.id)
                .execution_options(synchronize_session=False)
            )
            return len(result.all())


def _subscription_values(subscription: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": subscription.id,
        "owner_id": subscription.owner_id,
        "url": subscription.url,
        "event_types": [kind.value for kind in subscription.event_types],
        "scope": subscription.scope.value,
        "calendar_id": subscription.calendar_id,
        "secret": subscription.secret,
        "created_at": subscription.created_at,
        "failing_since": subscription.failing_since,
        "disabled_at": subscription.disabled_at,
    }


def _subscription(row: Any) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id,
        owner_id=row.owner_id,
        url=row.url,
        event_types=tuple(WebhookEventType(kind) for kind in row.event_types),
        scope=WebhookScope(row.scope),
        calendar_id=row.calendar_id,
        secret=row.secret,
        created_at=row.created_at,
        failing_since=row.failing_since,
        disabled_at=row.disabled_at,
    )


def _delivery_values(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "subscription_id": delivery.subscription_id,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type.value,
        "payload": delivery.payload,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
    }


def _attempt_values(attempt: DeliveryAttempt) -> dict[str, Any]:
    answer = attempt.answer
    return {
        "delivery_id": attempt.delivery_id,
        "attempt": attempt.attempt,
        "attempted_at": attempt.attempted_at,
        "status_code": answer.status_code,
        "latency_ms": answer.latency_ms,
        "excerpt": answer.excerpt,
        "error": answer.error,
    }


def _delivery(row: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        subscription_id=row.subscription_id,
        message_id=row.message_id,
        event_type=WebhookEventType(row.event_type),
        payload=row.payload,
        created_at=row.created_at,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
    )


def _attempt(row: Any) -> DeliveryAttempt:
    return DeliveryAttempt(
        delivery_id=row.delivery_id,
        attempt=row.attempt,
        attempted_at=row.attempted_at,
        answer=DeliveryAnswer(
            status_code=row.status_code, latency_ms=row.latency_ms, excerpt=row.excerpt, error=row.error
        ),
    )
