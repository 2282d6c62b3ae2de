"""Statements run on asyncpg itself: compiled once, in the unit of work's transaction however it begins."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.driver import (
    START_TRANSACTION,
    DriverStatement,
    TransactionStart,
    start_on_the_adapter,
    start_with_a_statement,
    transaction_start_for,
)
from adapters.postgres.models import RoomRow, UserRow
from adapters.postgres.repositories.refused_writes import room_double_booking, taken_email
from tests.integration.scheduling.office import PostgresOffice

BOTH_BEGINNINGS = pytest.mark.parametrize(
    "start", [start_on_the_adapter, start_with_a_statement], ids=["adapter_internals", "select_1_fallback"]
)
_ROOMS = RoomRow.__table__
_ADD_ROOM = insert(_ROOMS).values({column.name: bindparam(column.name) for column in _ROOMS.c})
_USERS = UserRow.__table__
_ADD_USER = insert(_USERS).values({column.name: bindparam(column.name) for column in _USERS.c})
_ROOM_IDS = select(RoomRow.id)


def a_room_row() -> dict[str, Any]:
    return {"id": uuid4(), "name": "Atlas", "capacity": 8, "location": "", "created_at": datetime.now(UTC)}


def a_user_row(email: str) -> dict[str, Any]:
    return {
        "id": uuid4(),
        "email": email,
        "name": "Ada",
        "password_hash": "-",
        "timezone": "UTC",
        "is_admin": False,
        "created_at": datetime.now(UTC),
    }


@contextmanager
def statements_sent_by_sqlalchemy(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collect the statements SQLAlchemy sends inside the block (the driver's own go around it)."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


async def room_ids(office: PostgresOffice) -> list[UUID]:
    return [row.id for row in await office.rows("SELECT id FROM rooms")]


def test_a_statement_whose_parameters_expand_per_call_is_refused_at_import() -> None:
    with pytest.raises(ValueError, match="ANY"):
        DriverStatement(select(UserRow.id).where(UserRow.id.in_(bindparam("ids", expanding=True))))


def test_the_pinned_sqlalchemy_lets_driver_statements_begin_on_its_adapters_internals() -> None:
    assert START_TRANSACTION is start_on_the_adapter


def test_an_adapter_without_those_internals_is_begun_with_a_statement() -> None:
    class AdapterOfAnotherVersion:
        async def _begin(self) -> None: ...

    assert transaction_start_for(AdapterOfAnotherVersion) is start_with_a_statement


async def test_values_built_into_the_statement_are_sent_with_those_given(office: PostgresOffice) -> None:
    ada = await office.person(name="Ada")
    statement = DriverStatement(
        select(UserRow.name, (UserRow.name + bindparam("suffix", value="!")).label("loud")).where(
            UserRow.id == bindparam("user_id")
        )
    )

    async with office.uow as uow:
        rows = await statement.fetch(uow.session, {"user_id": ada.id})

    assert [(row.name, row.loud) for row in rows] == [("Ada", "Ada!")]
    with pytest.raises(AttributeError):
        _ = rows[0].nothing


@BOTH_BEGINNINGS
async def test_a_write_on_the_driver_first_in_a_unit_of_work_is_rolled_back_with_it(
    office: PostgresOffice, start: TransactionStart
) -> None:
    add_room, room = DriverStatement(_ADD_ROOM, start=start), a_room_row()

    async with office.uow as uow:
        await add_room.fetch(uow.session, room)  # the transaction's first statement
        seen_by_sqlalchemy = (await uow.session.execute(_ROOM_IDS)).scalars().all()
        # Leaving without a commit rolls back what the driver wrote: it wrote in the same transaction.

    assert seen_by_sqlalchemy == [room["id"]]
    assert await room_ids(office) == []


@BOTH_BEGINNINGS
async def test_a_write_on_the_driver_commits_with_the_unit_of_work(
    office: PostgresOffice, start: TransactionStart
) -> None:
    add_room, before, room = DriverStatement(_ADD_ROOM, start=start), a_room_row(), a_room_row()

    async with office.uow as uow:
        await uow.session.execute(_ADD_ROOM, before)  # SQLAlchemy begins, the driver joins in
        await add_room.fetch(uow.session, room)
        await uow.commit()

    assert sorted(await room_ids(office)) == sorted([before["id"], room["id"]])


@pytest.mark.parametrize(
    ("start", "sent"),
    [(start_on_the_adapter, []), (start_with_a_statement, ["SELECT 1"])],
    ids=["adapter_internals", "select_1_fallback"],
)
async def test_the_adapters_internals_begin_without_a_round_trip_the_fallback_with_one(
    office: PostgresOffice, engine: AsyncEngine, start: TransactionStart, sent: list[str]
) -> None:
    read_rooms = DriverStatement(_ROOM_IDS, start=start)

    async with office.uow as uow:
        with statements_sent_by_sqlalchemy(engine) as statements:
            await read_rooms.fetch(uow.session, {})
            await read_rooms.fetch(uow.session, {})  # the transaction is begun once

    assert statements == sent


async def test_a_refusal_on_the_driver_is_asyncpgs_own_and_reads_as_one_through_sqlalchemy(
    office: PostgresOffice,
) -> None:
    await office.person(email="ada@example.com")

    async with office.uow as uow:
        with pytest.raises(asyncpg.UniqueViolationError) as on_the_driver:
            await DriverStatement(_ADD_USER).fetch(uow.session, a_user_row("ada@example.com"))
    async with office.uow as uow:
        with pytest.raises(IntegrityError) as through_sqlalchemy:
            await uow.session.execute(_ADD_USER, a_user_row("ada@example.com"))

    assert taken_email(on_the_driver.value)
    assert taken_email(through_sqlalchemy.value)
    assert not room_double_booking(on_the_driver.value, while_booking=True)
    assert not room_double_booking(through_sqlalchemy.value, while_booking=True)
