"""Reminders per occurrence: a reminder row names the occurrence of a series it is for; `room_declined` notifications.

A reminder is one per (event, occurrence, person, offset); a single event's reminders have no
recurrence id, so the key is a unique index with NULLS NOT DISTINCT under a surrogate primary key.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a migration describes the schema as it was on its day.
_BEFORE = "'event_invited', 'event_updated', 'event_cancelled', 'participant_response', 'event_reminder', 'job_failed'"
_AFTER = f"{_BEFORE}, 'room_declined'"


def upgrade() -> None:
    op.add_column("reminders", sa.Column("recurrence_id", sa.DateTime(timezone=True), nullable=True))
    op.drop_constraint(op.f("pk_reminders"), "reminders", type_="primary")
    op.add_column("reminders", sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False))
    op.create_primary_key(op.f("pk_reminders"), "reminders", ["id"])
    op.create_index(
        "uq_reminders_occurrence",
        "reminders",
        ["event_id", "recurrence_id", "user_id", "minutes"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.drop_constraint(op.f("ck_notifications_type"), "notifications", type_="check")
    op.create_check_constraint(op.f("ck_notifications_type"), "notifications", f"type IN ({_AFTER})")


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE type = 'room_declined'")
    op.drop_constraint(op.f("ck_notifications_type"), "notifications", type_="check")
    op.create_check_constraint(op.f("ck_notifications_type"), "notifications", f"type IN ({_BEFORE})")
    op.execute("DELETE FROM reminders WHERE recurrence_id IS NOT NULL")
    op.drop_index("uq_reminders_occurrence", table_name="reminders")
    op.drop_constraint(op.f("pk_reminders"), "reminders", type_="primary")
    op.drop_column("reminders", "id")
    op.drop_column("reminders", "recurrence_id")
    op.create_primary_key(op.f("pk_reminders"), "reminders", ["event_id", "user_id", "minutes"])
