"""Google tokens at rest: Fernet (AES-128-CBC + HMAC-SHA256) with a key from settings."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken

from domain.google_sync.model import GoogleTokens


class TokenCipher:
    """Encrypts a grant into one opaque string and back; the key never leaves this object."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    @classmethod
    def from_secret(cls, secret: str) -> TokenCipher:
        """A cipher whose key is derived from SECRET_KEY (when no GOOGLE_TOKEN_KEY is set)."""
        digest = hashlib.sha256(f"planner-google-tokens:{secret}".encode()).digest()
        return cls(base64.urlsafe_b64encode(digest).decode())

    def encrypt(self, tokens: GoogleTokens) -> str:
        plain = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": None if tokens.expires_at is None else tokens.expires_at.isoformat(),
        }
        return self._fernet.encrypt(json.dumps(plain).encode()).decode()

    def decrypt(self, ciphertext: str) -> GoogleTokens:
        try:
            plain = json.loads(self._fernet.decrypt(ciphertext.encode()))
        except InvalidToken:
            raise ValueError("the stored Google tokens cannot be decrypted with this key") from None
        expires = plain.get("expires_at")
        return GoogleTokens(
            access_token=plain["access_token"],
            refresh_token=plain.get("refresh_token"),
            expires_at=None if expires is None else datetime.fromisoformat(expires),
        )
