"""The OAuth `state`: bound to the person who started connecting, signed, short-lived."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from uuid import UUID

from domain.google_sync.errors import ConnectRefused

STATE_LIFETIME = timedelta(minutes=15)


def issue_state(user_id: UUID, *, secret: str, now: datetime) -> str:
    """A state naming `user_id` and when it expires, signed with `secret`."""
    expires = int((now + STATE_LIFETIME).timestamp())
    payload = f"{user_id}.{expires}.{secrets.token_urlsafe(12)}"
    return f"{payload}.{_signature(payload, secret)}"


def check_state(state: str, *, user_id: UUID, secret: str, now: datetime) -> None:
    """Refuse a state that was forged, altered, issued to someone else, or has expired."""
    payload, _, signature = state.rpartition(".")
    if not payload or not hmac.compare_digest(signature, _signature(payload, secret)):
        raise ConnectRefused("the OAuth state is not one planner issued")
    owner, expires, _ = [*payload.split("."), "", ""][:3]
    if owner != str(user_id):
        raise ConnectRefused("the OAuth state was issued to someone else")
    if not expires.isdigit() or int(expires) < now.timestamp():
        raise ConnectRefused("the OAuth state has expired; start connecting again")


def _signature(payload: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"google-oauth-state:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
