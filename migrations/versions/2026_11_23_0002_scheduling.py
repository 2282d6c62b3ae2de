"""Scheduling: users, calendars and their members, rooms, events and their participants, the outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, **kw)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_users_email_lower_case")),
    )
    op.create_table(
        "calendars",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("is_personal", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_calendars_owner_id_users")),
    )
    op.create_index(
        "ix_calendars_personal_owner",
        "calendars",
        ["owner_id"],
        unique=True,
        postgresql_where=sa.text("is_personal"),
    )
    op.create_table(
        "calendar_members",
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("calendar_id", "user_id", name=op.f("pk_calendar_members")),
        sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name=op.f("ck_calendar_members_role")),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["calendars.id"],
            name=op.f("fk_calendar_members_calendar_id_calendars"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_calendar_members_user_id_users"), ondelete="CASCADE"
        ),
    )
    op.create_index("ix_calendar_members_user_id", "calendar_members", ["user_id"])
    op.create_table(
        "rooms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(500), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_rooms_capacity_positive")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("organizer_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(500), nullable=False),
        _timestamp("starts_at"),
        _timestamp("ends_at"),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reminders", postgresql.ARRAY(sa.Integer()), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_events_ends_after_start")),
        sa.CheckConstraint("status IN ('confirmed', 'cancelled')", name=op.f("ck_events_status")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_events_version_positive")),
        sa.ForeignKeyConstraint(
            ["calendar_id"], ["calendars.id"], name=op.f("fk_events_calendar_id_calendars"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["organizer_id"], ["users.id"], name=op.f("fk_events_organizer_id_users")),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_events_room_id_rooms"), ondelete="SET NULL"),
        # The database itself refuses a second confirmed booking of a room for an overlapping slot,
        # however many web processes race; half-open ranges let 10-11 and 11-12 both stand.
        postgresql.ExcludeConstraint(
            ("room_id", "="),
            (sa.text("tstzrange(starts_at, ends_at, '[)')"), "&&"),
            name="ex_events_room_slot",
            using="gist",
            where=sa.text("room_id IS NOT NULL AND status = 'confirmed'"),
        ),
    )
    op.create_index("ix_events_calendar_slot", "events", ["calendar_id", "starts_at", "ends_at"])
    op.create_index("ix_events_room_starts_at", "events", ["room_id", "starts_at"])
    op.create_table(
        "event_participants",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_event_participants")),
        sa.CheckConstraint(
            "status IN ('needs_action', 'accepted', 'declined', 'tentative')",
            name=op.f("ck_event_participants_status"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_participants_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_event_participants_user_id_users"), ondelete="CASCADE"
        ),
    )
    op.create_index("ix_event_participants_user_id", "event_participants", ["user_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        _timestamp("occurred_at"),
        _timestamp("created_at", server_default=sa.func.now()),
        _timestamp("enqueued_at", nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_pending", "outbox", ["created_at"], postgresql_where=sa.text("enqueued_at IS NULL"))


def downgrade() -> None:
    # Tables go in the reverse order of their foreign keys; their indexes and constraints go with them.
    for table in ("outbox", "event_participants", "events", "rooms", "calendar_members", "calendars", "users"):
        op.drop_table(table)
