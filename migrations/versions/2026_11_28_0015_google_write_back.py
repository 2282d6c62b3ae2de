"""Google write-back: the calendar a person's own events are written to, what was written, guests of mirrors.

- `google_accounts.write_back_calendar_id`: the Google calendar planner writes the person's own events
  to (null: write-back off); `google_accounts.can_write`: whether the grant allows writing events.
- `google_written_events`: per planner event written to Google, the Google event it became, the planner
  version and Google `updated` of the last write (to recognise its echo), and the state of the write.
- `google_event_links.attendees`: a mirrored event's guests and their answers, for display.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("google_accounts", sa.Column("write_back_calendar_id", sa.Text(), nullable=True))
    op.add_column(
        "google_accounts", sa.Column("can_write", sa.Boolean(), nullable=False, server_default=sa.text("false"))
    )
    op.add_column(
        "google_event_links",
        sa.Column("attendees", postgresql.JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
    )
    op.create_table(
        "google_written_events",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("google_calendar_id", sa.Text(), nullable=False),
        sa.Column("google_event_id", sa.Text(), nullable=True),
        sa.Column("written_version", sa.Integer(), nullable=True),
        sa.Column("google_updated", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'written', 'refused', 'deleted')", name=op.f("ck_google_written_events_state")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_google_written_events_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_google_written_events_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_google_written_events")),
        sa.UniqueConstraint(
            "user_id", "google_calendar_id", "google_event_id", name=op.f("uq_google_written_events_user_id")
        ),
    )
    op.create_index(
        "ix_google_written_events_pending",
        "google_written_events",
        ["updated_at"],
        postgresql_where=sa.text("state IN ('pending', 'refused')"),
    )


def downgrade() -> None:
    op.drop_index("ix_google_written_events_pending", table_name="google_written_events")
    op.drop_table("google_written_events")
    op.drop_column("google_event_links", "attendees")
    op.drop_column("google_accounts", "can_write")
    op.drop_column("google_accounts", "write_back_calendar_id")
