"""How far each outbox message got: handed to the queue (`enqueued_at`), acted on (`processed_at`).

Each method runs in a short transaction of its own; times are the database's, so every web and
worker process judges "how long ago" by the same clock.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, any_, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.models import OutboxRow
from adapters.postgres.outbox.codec import decode_event
from adapters.postgres.outbox.store import OutboxMessage
from adapters.telemetry.tracing import TRACE_KEY


@dataclass(frozen=True)
class OutboxEntry:
    """An outbox row to hand over: its id (the job key), its domain event's name, how often it was handed over."""

    id: int
    name: str
    attempts: int = 0
    trace: dict[str, str] | None = None
    """The trace context of the request that stored it (with tracing on), for the job's span."""


class OutboxProgress:
    """Reads and marks the outbox rows' progress on their way to the workers."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def hand_over_waiting(
        self,
        enqueue: Callable[[list[OutboxEntry]], Awaitable[None]],
        *,
        unsent_for: timedelta,
        unprocessed_for: timedelta,
        limit: int,
    ) -> list[OutboxEntry]:
        """Pass up to `limit` messages awaiting hand-over to `enqueue` and note that they were handed over.

        Awaiting are messages never handed over for `unsent_for` (just committed, or their hand-over
        failed), and ones handed over `unprocessed_for` ago but not processed (a job the queue lost).
        One transaction claims them (FOR UPDATE SKIP LOCKED): workers woken by the same commit hand
        each message over once, and if `enqueue` fails, nothing is noted.
        """
        never_sent = _entries().where(
            OutboxRow.enqueued_at.is_(None),
            OutboxRow.processed_at.is_(None),  # a lost mark of a message that was handed over and acted on
            OutboxRow.created_at <= func.now() - unsent_for,
        )
        lost = _entries().where(OutboxRow.processed_at.is_(None), OutboxRow.enqueued_at < func.now() - unprocessed_for)
        async with self._sessions.begin() as session:
            found = {
                row.id: OutboxEntry(row.id, row.name, row.attempts, row.trace)
                for statement in (never_sent, lost)
                for row in await session.execute(
                    statement.order_by(OutboxRow.id).limit(limit).with_for_update(skip_locked=True)
                )
            }
            entries = [found[outbox_id] for outbox_id in sorted(found)][:limit]
            if entries:
                await enqueue(entries)
                await session.execute(
                    update(OutboxRow)
                    .where(_is_any_outbox_id([entry.id for entry in entries]))
                    .values(enqueued_at=func.now(), attempts=OutboxRow.attempts + 1)
                    .execution_options(synchronize_session=False)
                )
        return entries

    async def unprocessed_message(self, outbox_id: int) -> OutboxMessage | None:
        """The message with its domain event, or None if there is no such row or it was processed already."""
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(OutboxRow.id, OutboxRow.name, OutboxRow.payload, OutboxRow.processed_at).where(
                        OutboxRow.id == outbox_id
                    )
                )
            ).one_or_none()
        if row is None or row.processed_at is not None:
            return None
        return OutboxMessage(id=row.id, event=decode_event(row.name, row.payload))

    async def mark_processed(self, outbox_id: int) -> None:
        """Note that a worker finished acting on the message."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id, OutboxRow.processed_at.is_(None))
                .values(processed_at=func.now())
                .execution_options(synchronize_session=False)
            )

    async def purge_processed(self, *, older_than: timedelta, limit: int) -> int:
        """Delete up to `limit` messages processed more than `older_than` ago; answers how many went."""
        first = select(OutboxRow.created_at).order_by(OutboxRow.id).limit(1).scalar_subquery()
        purgeable = (
            select(OutboxRow.id)
            .where(OutboxRow.processed_at < func.now() - older_than)
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        async with self._sessions.begin() as session:
            # Ids grow with time: while even the first message is recent, there is nothing to purge,
            # and the primary key answers that without reading the table.
            if not (await session.execute(select(first < func.now() - older_than))).scalar():
                return 0
            result = await session.execute(
                delete(OutboxRow)
                .where(OutboxRow.id.in_(purgeable.scalar_subquery()))
                .returning(OutboxRow.id)
                .execution_options(synchronize_session=False)
            )
            return len(result.all())


def _entries() -> Select[int, str, int, Any]:
    return select(OutboxRow.id, OutboxRow.name, OutboxRow.attempts, OutboxRow.payload[TRACE_KEY].label("trace"))


def _is_any_outbox_id(ids: Sequence[int]) -> ColumnElement[bool]:
    return OutboxRow.id == any_(literal(list(ids), ARRAY(BigInteger())))
