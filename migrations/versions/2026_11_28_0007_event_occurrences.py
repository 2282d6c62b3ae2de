"""Recurring events: a series' rule and overrides on its row, and every event's occurrences as rows.

The room-booking exclusion constraint moves from `events` to `event_occurrences`, so it refuses a
double booking of any occurrence of any series, as it did of any single event.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SLOT = "tstzrange(starts_at, ends_at, '[)')"


def upgrade() -> None:
    op.add_column("events", sa.Column("recurrence", postgresql.JSONB(), nullable=True))
    op.add_column(
        "events", sa.Column("overrides", postgresql.JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb"))
    )
    op.alter_column("events", "overrides", server_default=None)
    op.create_table(
        "event_occurrences",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("recurrence_id", sa.DateTime(timezone=True), nullable=False),
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_event_occurrences_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_occurrences_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_event_occurrences_room_id_rooms"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("event_id", "recurrence_id", name=op.f("pk_event_occurrences")),
    )
    op.execute(
        """
        INSERT INTO event_occurrences
            (event_id, recurrence_id, calendar_id, starts_at, ends_at, start_date, end_date, room_id)
        SELECT id, starts_at, calendar_id, starts_at, ends_at,
               CASE WHEN all_day THEN (starts_at AT TIME ZONE timezone)::date END,
               CASE WHEN all_day THEN (ends_at AT TIME ZONE timezone)::date END,
               room_id
        FROM events WHERE status = 'confirmed'
        """
    )
    op.execute("ALTER TABLE events DROP CONSTRAINT ex_events_room_slot")
    op.execute(
        "ALTER TABLE event_occurrences ADD CONSTRAINT ex_events_room_slot "
        f"EXCLUDE USING gist (room_id WITH =, ({_SLOT}) WITH &&) WHERE (room_id IS NOT NULL)"
    )
    op.execute(
        f"CREATE INDEX ix_event_occurrences_calendar_span ON event_occurrences USING gist (calendar_id, ({_SLOT}))"
    )
    op.create_index("ix_event_occurrences_room_starts_at", "event_occurrences", ["room_id", "starts_at"])
    # An invitee's window: their invitations' occurrences in it, by event and range.
    op.execute(f"CREATE INDEX ix_event_occurrences_event_span ON event_occurrences USING gist (event_id, ({_SLOT}))")


def downgrade() -> None:
    op.drop_table("event_occurrences")
    op.execute(
        "ALTER TABLE events ADD CONSTRAINT ex_events_room_slot "
        f"EXCLUDE USING gist (room_id WITH =, ({_SLOT}) WITH &&) WHERE (room_id IS NOT NULL AND status = 'confirmed')"
    )
    op.drop_column("events", "overrides")
    op.drop_column("events", "recurrence")
