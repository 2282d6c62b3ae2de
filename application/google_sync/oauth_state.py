"""The OAuth `state`: bound to the person who started connecting, signed, short-lived, and usable once.

The state names a random nonce; the nonce is kept (with the PKCE code verifier, which never leaves
the server) until the callback consumes it, so a state replayed after a completed consent, or a code
intercepted on the way back, gets nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.google_sync.ports import PendingAuthorizations
from domain.google_sync.errors import ConnectRefused

STATE_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True)
class Authorization:
    """What the consent URL carries: the state and the S256 challenge of the verifier kept here."""

    state: str
    code_challenge: str


def issue_state(user_id: UUID, *, secret: str, now: datetime, nonce: str | None = None) -> str:
    """A state naming `user_id`, when it expires and a nonce, signed with `secret`."""
    expires = int((now + STATE_LIFETIME).timestamp())
    payload = f"{user_id}.{expires}.{nonce or secrets.token_urlsafe(16)}"
    return f"{payload}.{_signature(payload, secret)}"


def check_state(state: str, *, user_id: UUID, secret: str, now: datetime) -> str:
    """Refuse a state that was forged, altered, issued to someone else, or has expired; answer its nonce."""
    payload, _, signature = state.rpartition(".")
    # Bytes: compare_digest refuses non-ASCII text with a TypeError, and a state comes from the browser.
    expected = _signature(payload, secret).encode()
    if not payload or not hmac.compare_digest(signature.encode(errors="replace"), expected):
        raise ConnectRefused("the OAuth state is not one planner issued")
    owner, expires, nonce = [*payload.split("."), "", ""][:3]
    if owner != str(user_id):
        raise ConnectRefused("the OAuth state was issued to someone else")
    if not expires.isdigit() or int(expires) < now.timestamp():
        raise ConnectRefused("the OAuth state has expired; start connecting again")
    return nonce


async def begin_authorization(
    user_id: UUID, *, secret: str, now: datetime, pending: PendingAuthorizations
) -> Authorization:
    """A fresh state for `user_id`, its nonce kept with a new PKCE verifier until the callback."""
    nonce = secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48)  # 64 characters, within RFC 7636's 43-128
    await pending.open(nonce, code_verifier=verifier, ttl_s=int(STATE_LIFETIME.total_seconds()))
    return Authorization(
        state=issue_state(user_id, secret=secret, now=now, nonce=nonce), code_challenge=challenge(verifier)
    )


async def redeem_state(state: str, *, user_id: UUID, secret: str, now: datetime, pending: PendingAuthorizations) -> str:
    """Check the state and consume its nonce; answer the PKCE verifier. A state works once."""
    nonce = check_state(state, user_id=user_id, secret=secret, now=now)
    verifier = await pending.take(nonce)
    if verifier is None:
        raise ConnectRefused("the OAuth state was already used; start connecting again")
    return verifier


def challenge(verifier: str) -> str:
    """RFC 7636 S256: base64url(sha256(verifier)) without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def _signature(payload: str, secret: str) -> str:
    digest = hmac.new(
        secret.encode(), f"google-oauth-state:{payload}".encode(errors="replace"), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
