"""Notifications committed but not yet published live, one row per commit: a worker that dies between
its commit and its Redis publish leaves the row, and the sweeper publishes them. Due reminders
indexed by time and event, so a batch claimed in that order holds whole events.

Revision ID: 0019
Revises: 0016
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unpublished_notifications",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("notification_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unpublished_notifications")),
    )
    op.create_index("ix_unpublished_notifications_committed_at", "unpublished_notifications", ["committed_at"])
    op.drop_index("ix_reminders_due", table_name="reminders", postgresql_where=sa.text("sent_at IS NULL"))
    op.create_index(
        "ix_reminders_due", "reminders", ["due_at", "event_id"], postgresql_where=sa.text("sent_at IS NULL")
    )


def downgrade() -> None:
    op.drop_index("ix_reminders_due", table_name="reminders", postgresql_where=sa.text("sent_at IS NULL"))
    op.create_index("ix_reminders_due", "reminders", ["due_at"], postgresql_where=sa.text("sent_at IS NULL"))
    op.drop_index("ix_unpublished_notifications_committed_at", table_name="unpublished_notifications")
    op.drop_table("unpublished_notifications")
