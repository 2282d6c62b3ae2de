"""The transactional outbox: domain events stored in the same commit as the change that caused them."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import OutboxRow
from domain.events import DomainEvent

_OUTBOX = cast(Table, OutboxRow.__table__)
# On the table, not the mapped class: the ORM's bulk-insert machinery costs more than the insert itself.
_INSERT_MESSAGES = insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True)


@dataclass(frozen=True)
class OutboxMessage:
    """A domain event as stored in the outbox; `id` grows with every message and suits a queue job key."""

    id: int
    event: DomainEvent


async def store_in_outbox(session: AsyncSession, events: Sequence[DomainEvent]) -> list[OutboxMessage]:
    """Insert one outbox row per event (in the session's transaction), in order; return them with their ids."""
    if not events:
        return []
    rows = [{"name": event.name, "payload": event.to_dict(), "occurred_at": event.occurred_at} for event in events]
    result = await session.execute(_INSERT_MESSAGES, rows)
    return [OutboxMessage(id=outbox_id, event=event) for outbox_id, event in zip(result.scalars(), events, strict=True)]
