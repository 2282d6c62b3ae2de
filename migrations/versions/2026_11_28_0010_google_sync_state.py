"""Google sync state per calendar: watched or polled and why, the last sync attempt and its outcome.

`watch_refused` holds why Google would not push a calendar's changes (it is polled instead);
`last_attempt_at`, `last_outcome` and `last_error` say how its last sync went; a person's
`calendars_checked_at` says when their calendar list was last read (added or removed calendars).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("google_calendars", sa.Column("watch_refused", sa.Text(), nullable=True))
    op.add_column("google_calendars", sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("google_calendars", sa.Column("last_outcome", sa.String(16), nullable=True))
    op.add_column("google_calendars", sa.Column("last_error", sa.Text(), nullable=True))
    op.create_index("ix_google_calendars_last_attempt_at", "google_calendars", ["last_attempt_at"])
    op.add_column("google_accounts", sa.Column("calendars_checked_at", sa.DateTime(timezone=True), nullable=True))
    # Existing connections count as read now: the poll cron reads their calendar lists from the next interval on.
    op.execute("UPDATE google_accounts SET calendars_checked_at = now()")


def downgrade() -> None:
    op.drop_column("google_accounts", "calendars_checked_at")
    op.drop_index("ix_google_calendars_last_attempt_at", table_name="google_calendars")
    for column in ("last_error", "last_outcome", "last_attempt_at", "watch_refused"):
        op.drop_column("google_calendars", column)
