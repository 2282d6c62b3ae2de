"""Notifications on the real PostgreSQL and Redis: emptied before every test."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from saq.queue.redis import RedisQueue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.saq.queue import create_queue
from entrypoints.settings import Settings
from tests.integration.scheduling.office import PostgresOffice


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on the emptied test database."""
    return async_sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def office(sessions: async_sessionmaker[AsyncSession]) -> PostgresOffice:
    """A planner on PostgreSQL with nobody registered yet."""
    return PostgresOffice(sessions)


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[RedisQueue]:
    """The SAQ queue on the emptied test Redis (no worker takes its jobs)."""
    queue = create_queue(settings.redis.url or "")
    yield queue
    await queue.disconnect()


async def execute(sessions: async_sessionmaker[AsyncSession], sql: str, **params: Any) -> None:
    """Run a statement in a transaction of its own and commit it."""
    async with sessions.begin() as session:
        await session.execute(text(sql), params)
