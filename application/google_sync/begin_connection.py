"""Begin connecting a Google account: where to send the person to grant planner access."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.oauth_state import begin_authorization
from application.google_sync.ports import PendingAuthorizations
from domain.clock import Clock
from domain.google_sync.ports import GoogleOAuth


@dataclass(frozen=True, kw_only=True)
class BeginConnection:
    """Start connecting the actor's Google Calendar: where to send them to grant access."""

    actor_id: UUID
    write_access: bool = False
    """Ask Google for writing events too (to write the actor's own events back)."""


async def begin_connection(
    command: BeginConnection, *, oauth: GoogleOAuth, clock: Clock, secret: str, pending: PendingAuthorizations
) -> str:
    """Google's consent URL; its state is the actor's alone, and works once."""
    started = await begin_authorization(command.actor_id, secret=secret, now=clock.now(), pending=pending)
    return oauth.authorization_url(
        started.state, code_challenge=started.code_challenge, write_access=command.write_access
    )
