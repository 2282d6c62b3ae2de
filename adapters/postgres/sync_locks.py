"""One sync at a time per mirrored calendar: a PostgreSQL session advisory lock on the calendar's id.

The lock lives on a connection of its own, outside any transaction (no `idle in transaction` while
Google is being read), for as long as the sync runs; PostgreSQL lets go of it if the worker dies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class AdvisoryLocks:
    """Implements application.google_sync.ports.SyncLocks."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @asynccontextmanager
    async def hold(self, calendar_id: UUID, *, wait_s: float = 0) -> AsyncIterator[bool]:
        keys = {"key": lock_key(calendar_id)}
        async with self._engine.connect() as connection:
            if wait_s <= 0:
                held = bool((await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), keys)).scalar())
            else:
                held = await _wait_for_lock(connection, keys, wait_s)
            await connection.commit()
            try:
                yield held
            finally:
                if held:
                    await connection.execute(text("SELECT pg_advisory_unlock(:key)"), keys)
                    await connection.commit()


async def _wait_for_lock(connection: AsyncConnection, keys: dict[str, int], wait_s: float) -> bool:
    try:
        await connection.execute(text(f"SET LOCAL lock_timeout = '{int(wait_s * 1000)}ms'"))
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), keys)
    except DBAPIError:
        await connection.rollback()
        return False
    return True


def lock_key(calendar_id: UUID) -> int:
    """A calendar's lock number: 64 bits of its random id, signed (PostgreSQL's bigint)."""
    return int.from_bytes(calendar_id.bytes[8:], "big", signed=True)
