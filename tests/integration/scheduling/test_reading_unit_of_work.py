"""A unit of work opened for reading: no transaction around its statements, nothing committed, the pool unharmed."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.postgres.engine import create_engine, reading_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from tests.unit.scheduling.factories import a_user

_TRANSACTION = text("SELECT txid_current()")


async def _two_transaction_ids(uow: PostgresUnitOfWork) -> tuple[int, int]:
    first = (await uow.session.execute(_TRANSACTION)).scalar_one()
    second = (await uow.session.execute(_TRANSACTION)).scalar_one()
    return first, second


@pytest.fixture
async def one_connection(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An engine of one pooled connection on the test database: every unit of work shares it, one after another."""
    single = create_engine(engine.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)
    yield single
    await single.dispose()


def _uow(engine: AsyncEngine, *, pooled: bool = False) -> PostgresUnitOfWork:
    return PostgresUnitOfWork(
        async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False),
        reading_session_factory=async_sessionmaker(
            reading_engine(engine, pooled=pooled), class_=AsyncSession, expire_on_commit=False
        ),
    )


async def test_a_reading_unit_of_work_runs_each_statement_on_its_own_and_the_next_one_is_a_transaction_again(
    one_connection: AsyncEngine,
) -> None:
    uow = _uow(one_connection)
    async with uow.reading():
        first, second = await _two_transaction_ids(uow)
    assert second != first  # no BEGIN: each statement was a transaction of its own

    # The same pooled connection, given back: the next unit of work is one transaction again, and rolls back.
    async with uow:
        first, second = await _two_transaction_ids(uow)
        await uow.users.add(a_user(email="ada@example.com"))
    assert second == first
    async with uow.reading():
        assert await uow.users.get_by_email("ada@example.com") is None


async def test_a_reading_unit_of_work_cannot_commit(one_connection: AsyncEngine) -> None:
    uow = _uow(one_connection)
    with pytest.raises(RuntimeError, match="reading"):
        async with uow.reading():
            await uow.commit()
    async with uow:  # and the unit of work is whole again
        await uow.users.add(a_user(email="ada@example.com"))
        await uow.commit()
    async with uow.reading():
        assert await uow.users.get_by_email("ada@example.com") is not None


async def test_behind_a_transaction_pooler_reads_keep_their_transaction(one_connection: AsyncEngine) -> None:
    uow = _uow(one_connection, pooled=True)
    async with uow.reading():
        first, second = await _two_transaction_ids(uow)
    assert second == first
