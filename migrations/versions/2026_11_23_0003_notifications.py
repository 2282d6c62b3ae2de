"""Notifications: notifications numbered per user, their counters, reminders, and outbox processing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a migration describes the schema as it was on its day.
NOTIFICATION_TYPES = (
    "'event_invited', 'event_updated', 'event_cancelled', 'participant_response', 'event_reminder', 'job_failed'"
)


def _timestamp(name: str, *, nullable: bool = False, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, **kw)


def upgrade() -> None:
    op.add_column("outbox", _timestamp("processed_at", nullable=True))
    op.create_index(
        "ix_outbox_unprocessed", "outbox", ["enqueued_at"], postgresql_where=sa.text("processed_at IS NULL")
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("is_read", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("scheduled_for", nullable=True),
        sa.Column("dedupe_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
        # The order a user's notifications were committed in: what the live stream's ids replay by.
        sa.UniqueConstraint("user_id", "seq", name=op.f("uq_notifications_user_id")),
        sa.CheckConstraint(f"type IN ({NOTIFICATION_TYPES})", name=op.f("ck_notifications_type")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
    )
    op.create_index("ix_notifications_user_id_is_read", "notifications", ["user_id", "is_read"])
    op.create_index(
        "ix_notifications_scheduled_for",
        "notifications",
        ["scheduled_for"],
        postgresql_where=sa.text("scheduled_for IS NOT NULL"),
    )
    # One row per user; `UPDATE ... last_seq + 1` under its row lock numbers notifications in commit order.
    op.create_table(
        "notification_counters",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_counters")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_counters_user_id_users"), ondelete="CASCADE"
        ),
    )
    op.create_table(
        "reminders",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        _timestamp("due_at"),
        _timestamp("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("event_id", "user_id", "minutes", name=op.f("pk_reminders")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_reminders_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reminders_user_id_users"), ondelete="CASCADE"),
    )
    op.create_index("ix_reminders_due", "reminders", ["due_at"], postgresql_where=sa.text("sent_at IS NULL"))


def downgrade() -> None:
    for table in ("reminders", "notification_counters", "notifications"):
        op.drop_table(table)
    op.drop_index("ix_outbox_unprocessed", table_name="outbox")
    op.drop_column("outbox", "processed_at")
