"""The unit tests' office on the real database: the same use cases, through PostgresUnitOfWork."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from tests.unit.scheduling.office import Office

TABLES = ("users", "calendars", "calendar_members", "rooms", "events", "event_participants", "outbox")


class PostgresOffice(Office):
    """A planner on PostgreSQL, with a fake clock and password hasher."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        super().__init__()
        self.sessions = sessions
        self.uow = self.unit_of_work()

    def unit_of_work(self) -> PostgresUnitOfWork:
        """Return a new unit of work, as the web app makes one per request."""
        return PostgresUnitOfWork(self.sessions)

    async def rows(self, sql: str, **params: Any) -> list[Row[Any]]:
        """Run a query in a transaction of its own and return its rows."""
        async with self.sessions() as session:
            return list(await session.execute(text(sql), params))

    async def outbox(self) -> list[Row[Any]]:
        """Return the outbox rows, oldest first."""
        return await self.rows("SELECT id, name, payload, occurred_at, enqueued_at, attempts FROM outbox ORDER BY id")

    async def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Return every row of every scheduling table, to compare two states of the database."""
        return {
            table: [tuple(row) for row in await self.rows(f"SELECT * FROM {table} ORDER BY 1, 2")] for table in TABLES
        }
