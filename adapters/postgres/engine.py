"""The async SQLAlchemy engine on asyncpg, straight to PostgreSQL or through a transaction-mode pooler.

Behind PgBouncer in transaction mode (`pooled=True`), consecutive transactions of one connection may
run on different server connections, so nothing may outlive a transaction on the server: no named
prepared statement reused later (SQLAlchemy's cache of them is off, and each one it prepares gets a
unique name, so two clients sharing a server connection never collide), no asyncpg statement cache
(its statements are then unnamed, prepared and run in the same transaction). LISTEN and session
advisory locks do not work there at all: they go through DATABASE_DIRECT_URL's engine instead
(entrypoints/bootstrap, Connections.direct_engine).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def asyncpg_url(url: str) -> str:
    """The same PostgreSQL URL with the driver SQLAlchemy needs (postgres://, postgresql:// -> +asyncpg)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql+asyncpg"))


def unique_statement_name() -> str:
    """A prepared statement's name no other client of a shared server connection will ever use."""
    return f"__asyncpg_{uuid4().hex}__"


def create_engine(
    url: str, *, pool_size: int = 20, max_overflow: int = 40, echo: bool = False, pooled: bool = False
) -> AsyncEngine:
    """An engine on `url`; `pooled` when `url` is a transaction-mode pooler (PgBouncer), not PostgreSQL itself."""
    connect_args: dict[str, Any] = {
        "timeout": 5,
        "command_timeout": 30,
        "server_settings": {"application_name": "planner"},
    }
    if pooled:
        connect_args |= {
            "prepared_statement_cache_size": 0,  # SQLAlchemy's adapter: prepare in every transaction anew
            "prepared_statement_name_func": unique_statement_name,
            "statement_cache_size": 0,  # asyncpg's own (driver statements): unnamed statements
        }
    return create_async_engine(
        asyncpg_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        # No pre-ping: it costs a round trip per request; stale connections are recycled instead.
        pool_recycle=1800,
        pool_timeout=10,
        echo=echo,
        # Bound values (emails, password hashes, encrypted Google tokens) stay out of error messages and logs.
        hide_parameters=True,
        connect_args=connect_args,
    )


def reading_engine(engine: AsyncEngine, *, pooled: bool) -> AsyncEngine:
    """The engine of units of work that only read: `engine`'s pool, without a transaction around statements.

    Each statement is then its own transaction on the server, which spares a read-only use case the
    round trips of BEGIN and ROLLBACK (two of the three a one-statement read costs). Not behind a
    transaction-mode pooler (`pooled`): there a statement prepared outside a transaction may run on
    another server connection than its execution, so reads keep their transaction.
    """
    return engine if pooled else engine.execution_options(isolation_level="AUTOCOMMIT")
