"""Events by organizer: free/busy reads the events a person organizes in calendars not their own.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_events_organizer_id"), "events", ["organizer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_events_organizer_id"), table_name="events")
