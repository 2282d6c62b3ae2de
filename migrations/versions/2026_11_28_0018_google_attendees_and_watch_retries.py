"""Google: guests written on opt-in, and calendars Google refused to watch tried again.

- `google_accounts.send_attendees`: whether write-back writes the participants of the person's events as
  Google guests (Google then emails them); off by default.
- `google_calendars.watch_refusals`, `watch_retry_at`: how often Google refused to watch a polled
  calendar in a row, and when planner asks again (a day later, doubling to a week).

Revision ID: 0018
Revises: 0016
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "google_accounts",
        sa.Column("send_attendees", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.add_column(
        "google_calendars",
        sa.Column("watch_refusals", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column("google_calendars", sa.Column("watch_retry_at", sa.DateTime(timezone=True), nullable=True))
    # Calendars refused before this revision are tried again at the next renewal.
    op.execute("UPDATE google_calendars SET watch_refusals = 1, watch_retry_at = now() WHERE watch_refused IS NOT NULL")


def downgrade() -> None:
    op.drop_column("google_calendars", "watch_retry_at")
    op.drop_column("google_calendars", "watch_refusals")
    op.drop_column("google_accounts", "send_attendees")
