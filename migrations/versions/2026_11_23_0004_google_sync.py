"""Google sync and background jobs: jobs, Google accounts, mirrored calendars, watch channels, event links.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOB_STATUSES = "'queued', 'active', 'complete', 'partial', 'failed'"


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=op.f(f"fk_{table}_user_id_users"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.SmallInteger(), nullable=False),
        sa.Column("sources", postgresql.JSONB(), nullable=False),
        sa.Column("result", postgresql.JSONB(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("first_failed_at", nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.CheckConstraint(f"status IN ({JOB_STATUSES})", name=op.f("ck_jobs_status")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_jobs_owner_id_users"), ondelete="CASCADE"),
    )
    op.create_index("ix_jobs_owner_id", "jobs", ["owner_id"])
    op.create_index("ix_jobs_partial", "jobs", ["updated_at"], postgresql_where=sa.text("status = 'partial'"))
    op.create_table(
        "google_accounts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("encrypted_tokens", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("broken_reason", sa.Text(), nullable=True),
        _timestamp("connected_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_google_accounts")),
        sa.CheckConstraint("status IN ('connected', 'broken')", name=op.f("ck_google_accounts_status")),
        _user_fk("google_accounts"),
    )
    op.create_table(
        "google_calendars",
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("google_calendar_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("sync_token", sa.Text(), nullable=True),
        _timestamp("last_synced_at", nullable=True),
        sa.PrimaryKeyConstraint("calendar_id", name=op.f("pk_google_calendars")),
        sa.UniqueConstraint("user_id", "google_calendar_id", name=op.f("uq_google_calendars_user_id")),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["calendars.id"],
            name=op.f("fk_google_calendars_calendar_id_calendars"),
            ondelete="CASCADE",
        ),
        _user_fk("google_calendars"),
    )
    op.create_table(
        "google_channels",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("google_calendar_id", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        _timestamp("expires_at"),
        sa.Column("last_message_number", sa.BigInteger(), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_channels")),
        _user_fk("google_channels"),
    )
    op.create_index("ix_google_channels_user_id", "google_channels", ["user_id"])
    op.create_index("ix_google_channels_expires_at", "google_channels", ["expires_at"])
    op.create_table(
        "google_event_links",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("google_event_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_google_event_links")),
        sa.UniqueConstraint("calendar_id", "google_event_id", name=op.f("uq_google_event_links_calendar_id")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_google_event_links_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["google_calendars.calendar_id"],
            name=op.f("fk_google_event_links_calendar_id_google_calendars"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    for table in ("google_event_links", "google_channels", "google_calendars", "google_accounts", "jobs"):
        op.drop_table(table)
