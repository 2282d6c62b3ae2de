"""Invitations: single-use links an administrator makes for one email address."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.identity import new_id

INVITATION_LIFETIME = timedelta(days=7)
MAX_TOKEN_LENGTH = 200
"""Longer than any token planner makes (43 characters): a longer one is refused unread."""


def invitation_digest(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256, so a database reader cannot use the link.

    The token is 256 random bits, so an unsalted hash cannot be reversed by guessing.
    """
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class Invitation:
    id: UUID
    email: str
    token_digest: str
    invited_by: UUID | None
    created_at: datetime
    expires_at: datetime

    @classmethod
    def issue(cls, *, email: str, invited_by: UUID | None, now: datetime) -> tuple[Invitation, str]:
        """A new invitation for `email` (normalized) and the token its link carries (shown once)."""
        token = secrets.token_urlsafe(32)
        invitation = cls(
            id=new_id(now),
            email=email,
            token_digest=invitation_digest(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
        return invitation, token
