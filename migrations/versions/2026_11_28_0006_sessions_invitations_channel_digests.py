"""Security: sessions that can be ended, single-use invitations, push-channel tokens kept as HMACs.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A frozen copy of domain.google_sync.model.channel_token_digest: a migration must not change with the code.
_CHANNEL_TOKEN_KEY = b"planner google push channel token"


def _digest(token: str) -> str:
    return hmac.new(_CHANNEL_TOKEN_KEY, token.encode(), hashlib.sha256).hexdigest()


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users"), ondelete="CASCADE"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_invitations_token_digest")),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["users.id"], name=op.f("fk_invitations_invited_by_users"), ondelete="SET NULL"
        ),
    )
    # Push-channel tokens: a database reader could forge Google's pushes with them; keep their HMACs only.
    op.add_column("google_channels", sa.Column("token_digest", sa.String(64), nullable=True))
    connection = op.get_bind()
    channels = connection.execute(sa.text("SELECT id, token FROM google_channels")).all()
    for channel_id, token in channels:
        connection.execute(
            sa.text("UPDATE google_channels SET token_digest = :digest WHERE id = :id"),
            {"digest": _digest(token), "id": channel_id},
        )
    op.alter_column("google_channels", "token_digest", nullable=False)
    op.drop_column("google_channels", "token")


def downgrade() -> None:
    # The tokens themselves are gone: the channels are dropped, and planner opens new ones when asked to.
    op.execute("DELETE FROM google_channels")
    op.add_column("google_channels", sa.Column("token", sa.Text(), nullable=False))
    op.drop_column("google_channels", "token_digest")
    op.drop_table("invitations")
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
