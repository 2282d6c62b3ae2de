"""Find a time: working hours, out-of-office ranges, and whether an event blocks time (RFC 5545 TRANSP).

Existing all-day events become "free" (the default for all-day events from now on), the others "busy".

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "events", sa.Column("transparency", sa.String(length=8), server_default=sa.text("'busy'"), nullable=False)
    )
    op.create_check_constraint(op.f("ck_events_transparency"), "events", "transparency IN ('busy', 'free')")
    op.execute("UPDATE events SET transparency = 'free' WHERE all_day")
    op.create_table(
        "working_hours",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("days", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_working_hours_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_working_hours")),
    )
    op.create_table(
        "out_of_office",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_out_of_office_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_out_of_office_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_out_of_office")),
    )
    op.create_index("ix_out_of_office_user_id_starts_at", "out_of_office", ["user_id", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_out_of_office_user_id_starts_at", table_name="out_of_office")
    op.drop_table("out_of_office")
    op.drop_table("working_hours")
    op.drop_constraint(op.f("ck_events_transparency"), "events", type_="check")
    op.drop_column("events", "transparency")
