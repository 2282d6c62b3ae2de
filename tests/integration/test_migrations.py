from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.migrate import alembic_config, current_head, upgrade
from adapters.postgres.models import metadata
from domain.google_sync.model import channel_token_digest
from tests.support.servers import ServerUrls


async def test_migrations_leave_the_database_at_head_with_btree_gist(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
        extensions = set((await conn.execute(text("SELECT extname FROM pg_extension"))).scalars())
    assert version == current_head()
    assert "btree_gist" in extensions


async def test_upgrading_an_up_to_date_database_changes_nothing(servers: ServerUrls, engine: AsyncEngine) -> None:
    await asyncio.to_thread(upgrade, servers.direct_url)
    async with engine.connect() as conn:
        versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    assert versions == [current_head()]


SCHEDULING_TABLES = {
    "users",
    "calendars",
    "calendar_members",
    "rooms",
    "events",
    "event_participants",
    "outbox",
}
NOTIFICATION_TABLES = {"notifications", "notification_counters", "reminders"}
GOOGLE_TABLES = {"jobs", "google_accounts", "google_calendars", "google_channels", "google_event_links"}
ACCOUNT_TABLES = {"sessions", "invitations", "api_tokens"}
RECURRENCE_TABLES = {"event_occurrences"}
ICS_TABLES = {"calendar_feeds"}
FIND_A_TIME_TABLES = {"working_hours", "out_of_office"}
WEBHOOK_TABLES = {"webhook_subscriptions", "webhook_deliveries", "webhook_attempts"}
EMAIL_TABLES = {"notification_preferences", "outgoing_emails"}
WRITE_BACK_TABLES = {"google_written_events"}
PUBLICATION_TABLES = {"unpublished_notifications"}


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set((await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars())


async def _schema_objects(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        indexes = (await conn.execute(text("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"))).scalars()
        constraints = (
            await conn.execute(text("SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace"))
        ).scalars()
        return {*indexes, *constraints}


async def test_the_scheduling_migration_downgrades_and_upgrades_again(servers: ServerUrls, engine: AsyncEngine) -> None:
    objects_at_head = await _schema_objects(engine)
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.direct_url), "0001")
        assert await _tables(engine) == {"alembic_version"}
        assert {name for name in await _schema_objects(engine) if not name.startswith("alembic_version")} == set()
    finally:
        await asyncio.to_thread(upgrade, servers.direct_url)
        # Pooled connections may hold statements prepared against the dropped tables.
        await engine.dispose()

    assert await _tables(engine) == {
        "alembic_version",
        *SCHEDULING_TABLES,
        *NOTIFICATION_TABLES,
        *GOOGLE_TABLES,
        *ACCOUNT_TABLES,
        *RECURRENCE_TABLES,
        *ICS_TABLES,
        *FIND_A_TIME_TABLES,
        *WEBHOOK_TABLES,
        *EMAIL_TABLES,
        *WRITE_BACK_TABLES,
        *PUBLICATION_TABLES,
    }
    assert await _schema_objects(engine) == objects_at_head
    assert {"ex_events_room_slot", "ix_events_calendar_span", "ix_outbox_pending"} <= objects_at_head


def _ours(name: str) -> bool:
    return any(table in name for table in ("notifications", "notification_counters", "reminders"))


async def test_the_notifications_migration_downgrades_to_scheduling_and_upgrades_again(
    servers: ServerUrls, engine: AsyncEngine
) -> None:
    objects_at_head = await _schema_objects(engine)
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.direct_url), "0002")
        assert await _tables(engine) == {"alembic_version", *SCHEDULING_TABLES}
        left = await _schema_objects(engine)
        assert not {name for name in left if name.startswith(("pk_", "uq_", "ix_", "fk_", "ck_")) and _ours(name)}
        assert "ix_outbox_unprocessed" not in left
    finally:
        await asyncio.to_thread(upgrade, servers.direct_url)
        await engine.dispose()

    assert await _schema_objects(engine) == objects_at_head
    assert {
        "uq_notifications_dedupe_key",
        "uq_notifications_user_id",
        "ix_notifications_user_id_is_read",
        "ix_notifications_scheduled_for",
        "ix_reminders_due",
        "ix_outbox_unprocessed",
    } <= objects_at_head


async def test_the_google_migration_downgrades_to_notifications_and_upgrades_again(
    servers: ServerUrls, engine: AsyncEngine
) -> None:
    objects_at_head = await _schema_objects(engine)
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.direct_url), "0003")
        assert await _tables(engine) == {"alembic_version", *SCHEDULING_TABLES, *NOTIFICATION_TABLES}
    finally:
        await asyncio.to_thread(upgrade, servers.direct_url)
        await engine.dispose()

    assert await _schema_objects(engine) == objects_at_head
    assert {"ix_jobs_partial", "uq_google_event_links_calendar_id", "uq_google_calendars_user_id"} <= objects_at_head


async def test_the_security_migration_keeps_only_hmacs_of_existing_channel_tokens(
    servers: ServerUrls, engine: AsyncEngine
) -> None:
    token = "a-channel-token-google-echoes-back"
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.direct_url), "0004")
        await engine.dispose()
        assert ACCOUNT_TABLES.isdisjoint(await _tables(engine))
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, timezone, is_admin, created_at) "
                    "VALUES ('00000000-0000-7000-8000-000000000001', 'ada@example.com', 'Ada', 'x', 'UTC', false, "
                    "now())"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO google_channels (id, user_id, google_calendar_id, token, resource_id, expires_at, "
                    "created_at) VALUES ('channel-1', '00000000-0000-7000-8000-000000000001', 'primary', :token, "
                    "'resource', now() + interval '1 day', now())"
                ),
                {"token": token},
            )
    finally:
        await asyncio.to_thread(upgrade, servers.direct_url)
        await engine.dispose()

    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT * FROM google_channels"))).mappings().one()
    assert "token" not in stored
    assert stored["token_digest"] == channel_token_digest(token)
    assert token not in str(dict(stored))


async def test_the_migrations_build_exactly_the_tables_the_models_describe(engine: AsyncEngine) -> None:
    def differences(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_the_read_only_migration_makes_existing_mirrors_read_only_and_owned_and_downgrades(
    servers: ServerUrls, engine: AsyncEngine
) -> None:
    objects_at_head = await _schema_objects(engine)
    person, mirror, own = uuid4(), uuid4(), uuid4()
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.direct_url), "0004")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, timezone, is_admin, created_at)"
                    " VALUES (:person, 'ada@example.com', 'Ada', 'hash', 'UTC', false, now())"
                ),
                {"person": person},
            )
            await conn.execute(
                text(
                    "INSERT INTO calendars (id, name, color, description, owner_id, is_personal, created_at)"
                    " VALUES (:mirror, 'Work', '#3b82f6', '', :person, false, now()),"
                    " (:own, 'Ada', '#3b82f6', '', :person, true, now())"
                ),
                {"mirror": mirror, "own": own, "person": person},
            )
            await conn.execute(
                text(
                    "INSERT INTO calendar_members (calendar_id, user_id, role)"
                    " VALUES (:mirror, :person, 'viewer'), (:own, :person, 'owner')"
                ),
                {"mirror": mirror, "own": own, "person": person},
            )
            await conn.execute(
                text(
                    "INSERT INTO google_calendars (calendar_id, user_id, google_calendar_id, name, time_zone)"
                    " VALUES (:mirror, :person, 'work', 'Work', 'UTC')"
                ),
                {"mirror": mirror, "person": person},
            )
        await engine.dispose()
        await asyncio.to_thread(upgrade, servers.direct_url)
        await engine.dispose()
        rows = await _calendars_of(engine, person)
        assert rows == {mirror: (True, "owner"), own: (False, "owner")}

        await asyncio.to_thread(command.downgrade, alembic_config(servers.direct_url), "0004")
        await engine.dispose()
        async with engine.connect() as conn:
            roles = (await conn.execute(text("SELECT calendar_id, role FROM calendar_members"))).all()
        assert dict(roles) == {mirror: "viewer", own: "owner"}
    finally:
        await asyncio.to_thread(upgrade, servers.direct_url)
        await engine.dispose()

    assert await _schema_objects(engine) == objects_at_head
    assert "ix_events_calendar_span" in objects_at_head
    assert "ix_events_calendar_slot" not in objects_at_head


async def _calendars_of(engine: AsyncEngine, person: UUID) -> dict[UUID, tuple[bool, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT c.id, c.read_only, m.role FROM calendars c"
                " JOIN calendar_members m ON m.calendar_id = c.id WHERE m.user_id = :person"
            ),
            {"person": person},
        )
        return {row.id: (row.read_only, row.role) for row in rows}


async def test_the_find_a_time_migration_downgrades_to_reminders_per_occurrence_and_upgrades_again(
    servers: ServerUrls, engine: AsyncEngine
) -> None:
    objects_at_head = await _schema_objects(engine)
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.direct_url), "0009")
        await engine.dispose()
        assert FIND_A_TIME_TABLES.isdisjoint(await _tables(engine))
        assert "ck_events_transparency" not in await _schema_objects(engine)
    finally:
        await asyncio.to_thread(upgrade, servers.direct_url)
        await engine.dispose()

    assert await _schema_objects(engine) == objects_at_head
    assert {"ck_events_transparency", "ix_out_of_office_user_id_starts_at", "pk_working_hours"} <= objects_at_head


async def _google_columns(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT table_name || '.' || column_name FROM information_schema.columns"
                " WHERE table_name IN ('google_accounts', 'google_calendars')"
            )
        )
        return set(found.scalars())


async def test_the_google_attendees_and_watch_retries_migration_downgrades_and_upgrades_again(
    servers: ServerUrls, engine: AsyncEngine
) -> None:
    added = {"google_accounts.send_attendees", "google_calendars.watch_refusals", "google_calendars.watch_retry_at"}
    assert added <= await _google_columns(engine)
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.database_url), "0018-1")
        await engine.dispose()
        assert added.isdisjoint(await _google_columns(engine))
    finally:
        await asyncio.to_thread(upgrade, servers.database_url)
        await engine.dispose()
    assert added <= await _google_columns(engine)


async def test_the_unpublished_notifications_migration_downgrades_and_upgrades_again(
    servers: ServerUrls, engine: AsyncEngine
) -> None:
    objects_at_head = await _schema_objects(engine)
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.database_url), "0019-1")
        await engine.dispose()
        assert PUBLICATION_TABLES.isdisjoint(await _tables(engine))
        assert "ix_unpublished_notifications_committed_at" not in await _schema_objects(engine)
    finally:
        await asyncio.to_thread(upgrade, servers.database_url)
        await engine.dispose()

    assert await _schema_objects(engine) == objects_at_head
    assert {"pk_unpublished_notifications", "ix_unpublished_notifications_committed_at"} <= objects_at_head


async def test_the_email_occurrence_migration_downgrades_to_emails_without_it_and_upgrades_again(
    servers: ServerUrls, engine: AsyncEngine
) -> None:
    async def email_columns() -> set[str]:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = 'outgoing_emails'")
            )
            return {row.column_name for row in rows}

    assert "recurrence_id" in await email_columns()
    try:
        await asyncio.to_thread(command.downgrade, alembic_config(servers.database_url), "0017-1")
        await engine.dispose()
        assert "recurrence_id" not in await email_columns()
        assert "dedupe_key" in await email_columns()
    finally:
        await asyncio.to_thread(upgrade, servers.database_url)
        await engine.dispose()

    assert "recurrence_id" in await email_columns()
