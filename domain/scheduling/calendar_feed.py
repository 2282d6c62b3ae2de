"""A calendar's subscription feed: a secret address anyone holding it may read the calendar's events at.

The token is 256 random bits shown once (in the feed's URL); only its SHA-256 is kept, so a reader
of the database cannot subscribe. Opening the feed again replaces the token (the old URL stops
working); revoking it removes the feed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def feed_token_digest(token: str) -> str:
    """What is stored of a feed's token: its SHA-256 (256 random bits need no salt)."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_feed_token(token: str) -> bool:
    """Tell whether `token` has the shape of a token planner makes (others are refused unread)."""
    return _TOKEN.match(token) is not None


@dataclass(frozen=True, kw_only=True)
class CalendarFeed:
    """The feed of one calendar, opened by one of its members (whose view of the calendar it shows)."""

    calendar_id: UUID
    token_digest: str
    created_by: UUID
    created_at: datetime

    @classmethod
    def open(cls, *, calendar_id: UUID, created_by: UUID, now: datetime) -> tuple[CalendarFeed, str]:
        """A new feed and the token its URL carries (shown once)."""
        token = secrets.token_urlsafe(32)
        return cls(
            calendar_id=calendar_id, token_digest=feed_token_digest(token), created_by=created_by, created_at=now
        ), token


class CalendarFeedRepository(Protocol):
    """Calendars' feeds: at most one per calendar."""

    async def by_token_digest(self, token_digest: str) -> CalendarFeed | None:
        """The feed whose token has this digest."""
        ...

    async def put(self, feed: CalendarFeed) -> None:
        """Store the calendar's feed, replacing the one it had."""
        ...

    async def remove(self, calendar_id: UUID) -> bool:
        """Remove the calendar's feed; False when it had none."""
        ...
