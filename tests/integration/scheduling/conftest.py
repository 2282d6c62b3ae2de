"""Scheduling on the real PostgreSQL: a fresh, migrated, empty database for every test."""

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.integration.scheduling.office import PostgresOffice


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on the emptied test database."""
    return async_sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def office(sessions: async_sessionmaker[AsyncSession]) -> PostgresOffice:
    """A planner on PostgreSQL with nobody registered yet."""
    return PostgresOffice(sessions)
