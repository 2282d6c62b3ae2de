from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.migrate import current_head, upgrade
from tests.support.servers import ServerUrls


async def test_migrations_leave_the_database_at_head_with_btree_gist(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        extensions = set((await conn.execute(text("SELECT extname FROM pg_extension"))).scalars())
    assert version == current_head()
    assert "btree_gist" in extensions


async def test_upgrading_an_up_to_date_database_changes_nothing(servers: ServerUrls, engine: AsyncEngine) -> None:
    await asyncio.to_thread(upgrade, servers.database_url)
    async with engine.connect() as conn:
        versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    assert versions == [current_head()]
