"""Google tokens at rest: Fernet (AES-128-CBC + HMAC-SHA256) with keys from settings, rotated with MultiFernet."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from domain.google_sync.model import GoogleTokens


class TokenCipher:
    """Encrypts a grant into one opaque string and back; the keys never leave this object.

    The first key encrypts; every key decrypts, so tokens written under an older key (GOOGLE_TOKEN_OLD_KEYS)
    are still read, and are written again under the first one when the grant is next saved.
    """

    def __init__(self, key: str, *old_keys: str) -> None:
        self._fernet = MultiFernet([Fernet(k.encode()) for k in (key, *old_keys)])

    @staticmethod
    def key_from_secret(secret: str) -> str:
        """The key derived from SECRET_KEY, used where no GOOGLE_TOKEN_KEY is set (development)."""
        digest = hashlib.sha256(f"planner-google-tokens:{secret}".encode()).digest()
        return base64.urlsafe_b64encode(digest).decode()

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
