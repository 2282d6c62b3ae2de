"""The async SQLAlchemy engine on asyncpg."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def asyncpg_url(url: str) -> str:
    """The same PostgreSQL URL with the driver SQLAlchemy needs (postgres://, postgresql:// -> +asyncpg)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql+asyncpg"))


def create_engine(url: str, *, pool_size: int = 20, max_overflow: int = 40, echo: bool = False) -> AsyncEngine:
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
        connect_args={"timeout": 5, "command_timeout": 30, "server_settings": {"application_name": "planner"}},
    )
