"""Statements of the hottest paths, run on asyncpg itself inside the session's transaction.

SQLAlchemy's asyncio execution layer (a greenlet per statement, an execution context, result
processing) costs about three times what asyncpg itself does for a small statement: 140 of 190 µs
of CPU, measured on two cores. The few statements every event creation runs are therefore compiled
once from their Core definition and executed on the session's own asyncpg connection, in the
transaction SQLAlchemy began: they commit and roll back with everything else the unit of work did.

Only plain types may cross: uuids, text, numbers, booleans, times and arrays of them (what asyncpg
encodes and decodes by itself). JSON goes as text, cast in the statement.

A statement refused here raises asyncpg's own error, not SQLAlchemy's: the repositories read why
PostgreSQL refused a write from either (adapters/postgres/repositories/refused_writes.py).

Beginning SQLAlchemy's transaction without a statement takes internals of SQLAlchemy's asyncpg
adapter (pinned to 2.1.x for them in pyproject.toml). Whether the adapter has them is decided once,
at import (START_TRANSACTION); without them, a `SELECT 1` through SQLAlchemy begins it instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, cast

import asyncpg
from sqlalchemy import ClauseElement, text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]

TransactionStart = Callable[[Any, AsyncConnection], Awaitable[None]]
"""Begins SQLAlchemy's transaction on a connection (given with its asyncpg adapter) before a driver statement."""


async def start_on_the_adapter(adapter: Any, connection: AsyncConnection) -> None:
    """Begin as SQLAlchemy's asyncpg adapter does before its first statement, without sending one.

    The transaction is the adapter's own (`_transaction`), so SQLAlchemy commits or rolls it back
    as if it had begun it.
    """
    if adapter._transaction is None:
        await adapter._start_transaction()


async def start_with_a_statement(adapter: Any, connection: AsyncConnection) -> None:
    """Let SQLAlchemy begin as it does for any statement: public API only, at the price of a round trip."""
    await connection.execute(text("SELECT 1"))


def transaction_start_for(adapter_class: type) -> TransactionStart:
    """The adapter's internals if this adapter class has them, else a statement."""
    if hasattr(adapter_class, "_start_transaction") and hasattr(adapter_class, "_transaction"):
        return start_on_the_adapter
    return start_with_a_statement


START_TRANSACTION = transaction_start_for(AsyncAdapt_asyncpg_connection)
"""How driver statements begin the transaction with the SQLAlchemy installed: decided once, here."""


class Row(asyncpg.Record):  # type: ignore[misc]
    """A row read by name, as `row.column`, like SQLAlchemy's rows (the repositories map either)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class DriverStatement:
    """A Core statement compiled once for asyncpg; executed with named values, in positional order."""

    def __init__(self, statement: ClauseElement, *, start: TransactionStart = START_TRANSACTION) -> None:
        self._start = start
        compiled = cast(SQLCompiler, statement.compile(dialect=_DIALECT))
        self.sql = str(compiled)
        binds = [compiled.binds[name] for name in compiled.positiontup or ()]
        if any(bind.expanding for bind in binds):
            raise ValueError("expanding parameters cannot be compiled once; use = ANY(array) instead")
        # Each parameter in order: its name if given at execution, else the value it was built with.
        self._parameters: Sequence[tuple[str, bool, Any]] = tuple(
            (bind.key, bind.required, None if bind.required else bind.effective_value) for bind in binds
        )

    async def fetch(self, session: AsyncSession, values: Mapping[str, Any]) -> list[Row]:
        """Run the statement in the session's transaction; answer its rows (asyncpg's error if refused)."""
        connection = await driver_connection(session, start=self._start)
        arguments = [values[name] if given else built for name, given, built in self._parameters]
        rows: list[Row] = await connection.fetch(self.sql, *arguments, record_class=Row)
        return rows


_CACHED = "planner.driver_connection"


async def driver_connection(session: AsyncSession, *, start: TransactionStart = START_TRANSACTION) -> Any:
    """The asyncpg connection of the session's transaction, begun if it was not yet.

    SQLAlchemy begins a transaction lazily, with the first statement it runs; a statement run on
    the driver before that would run outside it (and SQLAlchemy's BEGIN, after it, would fail).
    The connection is remembered for the transaction (finding it costs two greenlet switches), and
    only for it: once the transaction ends, the connection may be back in the pool, someone else's.
    """
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_CACHED)
    if cached is not None and cached[0] is transaction and transaction is not None and transaction.is_active:
        return cached[1]
    connection = await session.connection()
    synced = connection.sync_connection
    # Checked out and valid, the pooled connection is at hand (get_raw_connection costs a greenlet).
    pooled = (
        synced.connection if synced is not None and not synced.invalidated else await connection.get_raw_connection()
    )
    driver = pooled.driver_connection
    if driver is None:
        raise RuntimeError("the session's connection is closed")
    await start(pooled.dbapi_connection, connection)  # the dbapi connection is SQLAlchemy's asyncpg adapter
    session.info[_CACHED] = (session.sync_session.get_transaction(), driver)
    return driver
