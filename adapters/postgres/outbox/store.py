"""The transactional outbox: domain events stored in the same commit as the change that caused them.

The statement that stores them also notifies OUTBOX_CHANNEL, which PostgreSQL delivers when (and
only if) the transaction commits: the workers listening there hand the new messages to the queue
(adapters/postgres/outbox/relay.py), so a request never talks to the queue itself.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.driver import DriverStatement
from adapters.postgres.outbox.codec import encode_event
from adapters.telemetry.tracing import TRACE_KEY, trace_carrier
from domain.domain_events import DomainEvent
from domain.json_value import JsonObject

OUTBOX_CHANNEL = "planner_outbox"
"""Notified by every commit that stores outbox messages."""

# On the driver (every write runs it). Identity values follow the ORDER BY, so the ids come back
# in the order of the events.
_STORE_MESSAGES = DriverStatement(
    text(
        """
        WITH stored AS (
            INSERT INTO outbox (name, payload, occurred_at)
            SELECT message.name, message.payload::jsonb, message.occurred_at
            FROM unnest(:names ::text[], :payloads ::text[], :occurred ::timestamptz[])
                WITH ORDINALITY AS message(name, payload, occurred_at, position)
            ORDER BY message.position
            RETURNING id
        )
        SELECT stored.id FROM stored, pg_notify(:channel, '') ORDER BY stored.id
        """
    ).bindparams(channel=OUTBOX_CHANNEL)
)


@dataclass(frozen=True)
class OutboxMessage:
    """A domain event as stored in the outbox; `id` grows with every message and suits a queue job key."""

    id: int
    event: DomainEvent


async def store_in_outbox(session: AsyncSession, events: Sequence[DomainEvent]) -> list[OutboxMessage]:
    """Insert one outbox row per event (in the session's transaction), in order; return them with their ids."""
    if not events:
        return []
    trace = trace_carrier()  # the request's trace continues in the jobs acting on these messages
    rows = await _STORE_MESSAGES.fetch(
        session,
        {
            "names": [event.name for event in events],
            "payloads": [msgspec.json.encode(_traced(encode_event(event), trace)).decode() for event in events],
            "occurred": [event.occurred_at for event in events],
        },
    )
    return [OutboxMessage(id=row.id, event=event) for row, event in zip(rows, events, strict=True)]


def _traced(payload: JsonObject, trace: dict[str, str] | None) -> JsonObject:
    if trace is None:
        return payload
    return {**payload, TRACE_KEY: dict(trace)}
