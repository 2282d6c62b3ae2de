"""Begin connecting a Google account: where to send the person to grant planner access."""

from __future__ import annotations

from application.google_sync.dto import BeginConnection
from application.google_sync.oauth_state import begin_authorization
from application.google_sync.ports import PendingAuthorizations
from domain.clock import Clock
from domain.google_sync.ports import GoogleOAuth


async def begin_connection(
    command: BeginConnection, *, oauth: GoogleOAuth, clock: Clock, secret: str, pending: PendingAuthorizations
) -> str:
    """Google's consent URL; its state is the actor's alone, and works once."""
    started = await begin_authorization(command.actor_id, secret=secret, now=clock.now(), pending=pending)
    return oauth.authorization_url(started.state, code_challenge=started.code_challenge)
