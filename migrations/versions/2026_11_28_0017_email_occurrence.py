"""Emails name the occurrence they are about: a cancelled occurrence is sent as an iTIP CANCEL with its RECURRENCE-ID.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outgoing_emails", sa.Column("recurrence_id", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("outgoing_emails", "recurrence_id")
