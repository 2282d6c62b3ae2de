"""Statements of the hottest paths, run on asyncpg itself inside the session's transaction.

SQLAlchemy's asyncio execution layer (a greenlet per statement, an execution context, result
processing) costs about three times what asyncpg itself does for a small statement: 140 of 190 µs
of CPU, measured on two cores. The few statements every event creation runs are therefore compiled
once from their Core definition and executed on the session's own asyncpg connection, in the
transaction SQLAlchemy began: they commit and roll back with everything else the unit of work did.

Only plain types may cross: uuids, text, numbers, booleans, times and arrays of them (what asyncpg
encodes and decodes by itself). JSON goes as text, cast in the statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import asyncpg
from sqlalchemy import ClauseElement, text
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


class Row(asyncpg.Record):  # type: ignore[misc]
    """A row read by name, as `row.column`, like SQLAlchemy's rows (the repositories map either)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class DriverStatement:
    """A Core statement compiled once for asyncpg; executed with named values, in positional order."""

    def __init__(self, statement: ClauseElement) -> None:
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
        """Run the statement in the session's transaction; answer its rows."""
        connection = await driver_connection(session)
        arguments = [values[name] if given else built for name, given, built in self._parameters]
        try:
            rows: list[Row] = await connection.fetch(self.sql, *arguments, record_class=Row)
        except asyncpg.PostgresError as error:
            raise _as_sqlalchemy_error(self.sql, error) from error
        return rows


def _as_sqlalchemy_error(sql: str, error: Exception) -> DBAPIError:
    """The error SQLAlchemy raises for a refused statement, which the repositories read refusals from.

    Like SQLAlchemy's, its `orig` is raised from asyncpg's error (which names constraint and SQLSTATE).
    """
    orig = Exception(str(error))
    orig.__cause__ = error
    kind = IntegrityError if isinstance(error, asyncpg.IntegrityConstraintViolationError) else DBAPIError
    return kind(sql, None, orig)


_CACHED = "planner.driver_connection"


async def driver_connection(session: AsyncSession) -> Any:
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
    adapted: Any = pooled.dbapi_connection  # SQLAlchemy's asyncpg adapter
    driver = pooled.driver_connection
    if driver is None:
        raise RuntimeError("the session's connection is closed")
    if not hasattr(adapted, "_start_transaction"):
        # An adapter without these internals: let SQLAlchemy begin, at the price of a statement.
        await connection.execute(text("SELECT 1"))
    elif adapted._transaction is None:
        await adapted._start_transaction()
    session.info[_CACHED] = (session.sync_session.get_transaction(), driver)
    return driver
