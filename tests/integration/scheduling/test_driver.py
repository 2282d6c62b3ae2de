"""Statements run on asyncpg itself: compiled once, refused like SQLAlchemy's."""

import pytest
from sqlalchemy import bindparam, select

from adapters.postgres.driver import DriverStatement
from adapters.postgres.models import UserRow
from tests.integration.scheduling.office import PostgresOffice


def test_a_statement_whose_parameters_expand_per_call_is_refused_at_import() -> None:
    with pytest.raises(ValueError, match="ANY"):
        DriverStatement(select(UserRow.id).where(UserRow.id.in_(bindparam("ids", expanding=True))))


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
