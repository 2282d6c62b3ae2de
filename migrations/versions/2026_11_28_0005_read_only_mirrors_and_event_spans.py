"""Read-only mirrored calendars, and events found by the span they cover however long it is.

- `calendars.read_only`: a mirrored (Google) calendar says so itself; its owner becomes its owner
  member (they were made a viewer so that planner refused changes to its events).
- `ix_events_calendar_span` (GiST on calendar_id and the event's range) replaces the B-tree on
  (calendar_id, starts_at, ends_at): window queries test range overlap, so an event longer than
  planner's own limit (a mirrored one) shows in every window it touches.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SLOT_RANGE = "tstzrange(starts_at, ends_at, '[)')"
# The mirrors' owners: their memberships are the rows to change, each way.
OWNER_MEMBERSHIPS = """
    UPDATE calendar_members SET role = :new_role
    WHERE role = :old_role AND (calendar_id, user_id) IN (SELECT calendar_id, user_id FROM google_calendars)
"""


def upgrade() -> None:
    op.add_column("calendars", sa.Column("read_only", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.alter_column("calendars", "read_only", server_default=None)
    op.execute("UPDATE calendars SET read_only = true WHERE id IN (SELECT calendar_id FROM google_calendars)")
    op.execute(sa.text(OWNER_MEMBERSHIPS).bindparams(old_role="viewer", new_role="owner"))
    op.execute(f"CREATE INDEX ix_events_calendar_span ON events USING gist (calendar_id, ({SLOT_RANGE}))")
    op.drop_index("ix_events_calendar_slot", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_calendar_slot", "events", ["calendar_id", "starts_at", "ends_at"])
    op.drop_index("ix_events_calendar_span", table_name="events")
    op.execute(sa.text(OWNER_MEMBERSHIPS).bindparams(old_role="owner", new_role="viewer"))
    op.drop_column("calendars", "read_only")
