"""Google's OAuth 2.0 authorization-code flow; the endpoints come from settings so tests use a fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
import structlog

from adapters.google.calendar_api import SCOPES
from domain.errors import InvalidInput
from domain.google_sync.errors import GoogleUnavailable
from domain.google_sync.model import WRITE_SCOPE, GoogleTokens

log = structlog.get_logger(__name__)
REVOKE_TIMEOUT_S = 10


class GoogleOAuthClient:
    def __init__(
        self, *, client_id: str, client_secret: str, auth_uri: str, token_uri: str, revoke_uri: str, redirect_uri: str
    ) -> None:
        self._client_id, self._client_secret = client_id, client_secret
        self._auth_uri, self._token_uri, self._redirect_uri = auth_uri, token_uri, redirect_uri
        self._revoke_uri = revoke_uri

    def authorization_url(self, state: str, *, code_challenge: str, write_access: bool = False) -> str:
        query = {
            "response_type": "code",
            "client_id": self._client_id,
            "redirect_uri": self._redirect_uri,
            # Writing is asked for only by those who turn write-back on (incremental consent keeps the rest).
            "scope": " ".join((*SCOPES, WRITE_SCOPE) if write_access else SCOPES),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            "access_type": "offline",  # a refresh token, so sync runs while the person is away
            "prompt": "consent",
            "include_granted_scopes": "true",
        }
        return f"{self._auth_uri}?{urlencode(query)}"

    async def exchange_code(self, code: str, *, code_verifier: str) -> GoogleTokens:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "redirect_uri": self._redirect_uri,
            "code_verifier": code_verifier,
        }
        try:
            async with httpx.AsyncClient(timeout=15) as client:
                answer = await client.post(self._token_uri, data=form, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise GoogleUnavailable(f"Google's token endpoint did not answer: {type(error).__name__}") from None
        if answer.status_code >= 500:
            raise GoogleUnavailable(f"Google's token endpoint answered {answer.status_code}")
        if answer.status_code != 200:
            raise InvalidInput("code", "Google refused the authorization code; start connecting again")
        body = answer.json()
        expires_in = body.get("expires_in")
        return GoogleTokens(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token"),
            expires_at=None if expires_in is None else datetime.now(UTC) + timedelta(seconds=int(expires_in)),
            granted_scopes=tuple(str(body.get("scope") or "").split()),
        )

    async def revoke(self, token: str) -> None:
        """RFC 7009 revocation at Google; the person's grant disappears from their Google account too."""
        try:
            async with httpx.AsyncClient(timeout=REVOKE_TIMEOUT_S) as client:
                answer = await client.post(self._revoke_uri, data={"token": token})
        except httpx.HTTPError as error:
            log.warning("google.revoke_failed", error=type(error).__name__)
            return
        # 400 is Google's answer for a token already revoked or expired: nothing is left to withdraw.
        if answer.status_code not in {200, 400}:
            log.warning("google.revoke_failed", status=answer.status_code)
