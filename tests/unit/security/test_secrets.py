"""No known secret, ever: SECRET_KEY is the operator's or random, Google tokens have keys of their own."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from adapters.embedded.secret_key import load_or_create_secret_key
from adapters.google.token_cipher import TokenCipher
from domain.google_sync.model import GoogleTokens
from entrypoints.bootstrap import token_cipher
from entrypoints.settings import AppEnv, Settings, SettingsError, random_secret_key


def test_settings_made_in_code_never_share_a_secret_key() -> None:
    first, second = Settings(), Settings()
    assert first.secret_key != second.secret_key
    assert len(first.secret_key) >= 32


@pytest.mark.parametrize("app_env", ["development", "production"])
def test_a_short_secret_key_is_refused_outside_tests(app_env: str) -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"APP_ENV": app_env, "SECRET_KEY": "planner-development-secret"})


def test_development_without_a_secret_key_cannot_serve() -> None:
    settings = Settings.from_env({})
    assert settings.secret_key == ""
    with pytest.raises(SettingsError, match="SECRET_KEY must be set"):
        settings.require_secret_key()


def test_tests_run_with_a_random_key_when_none_is_set() -> None:
    settings = Settings.from_env({"APP_ENV": "test"})
    settings.require_secret_key()
    assert settings.secret_key != Settings.from_env({"APP_ENV": "test"}).secret_key


def test_the_data_dir_key_is_made_once_and_readable_by_its_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    made = load_or_create_secret_key(data_dir, random_secret_key)
    assert stat.S_IMODE((data_dir / "secret_key").stat().st_mode) == 0o600
    assert load_or_create_secret_key(data_dir, random_secret_key) == made
    assert len(made) >= 32


def test_production_with_google_needs_a_token_key_of_its_own() -> None:
    env = {"APP_ENV": "production", "SECRET_KEY": "s" * 40, "GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "x"}
    with pytest.raises(SettingsError, match="GOOGLE_TOKEN_KEY"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "GOOGLE_TOKEN_KEY": Fernet.generate_key().decode()}).google.token_key


def test_malformed_old_token_keys_are_refused() -> None:
    with pytest.raises(SettingsError, match="GOOGLE_TOKEN_OLD_KEYS"):
        Settings.from_env({"GOOGLE_TOKEN_OLD_KEYS": "not-a-key"})


def _tokens() -> GoogleTokens:
    return GoogleTokens(access_token="a", refresh_token="r", expires_at=datetime(2027, 1, 1, tzinfo=UTC))


def test_tokens_written_under_an_old_key_are_read_after_rotation() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = token_cipher(Settings.from_env({"APP_ENV": "test", "GOOGLE_TOKEN_KEY": old})).encrypt(_tokens())
    rotated = token_cipher(
        Settings.from_env({"APP_ENV": "test", "GOOGLE_TOKEN_KEY": new, "GOOGLE_TOKEN_OLD_KEYS": old})
    )
    assert rotated.decrypt(stored) == _tokens()
    # What is written now is under the new key only.
    with pytest.raises(ValueError, match="cannot be decrypted"):
        TokenCipher(old).decrypt(rotated.encrypt(_tokens()))


def test_tokens_at_rest_do_not_open_with_the_secret_key_once_a_token_key_is_set() -> None:
    settings = Settings(env=AppEnv.TEST)
    settings_with_key = Settings.from_env(
        {"APP_ENV": "test", "SECRET_KEY": settings.secret_key, "GOOGLE_TOKEN_KEY": Fernet.generate_key().decode()}
    )
    written = token_cipher(settings_with_key).encrypt(_tokens())
    with pytest.raises(ValueError, match="cannot be decrypted"):
        TokenCipher(TokenCipher.key_from_secret(settings.secret_key)).decrypt(written)
