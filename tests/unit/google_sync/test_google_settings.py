"""Google's addresses are settings (a fake Google in tests); a bad one is refused by name."""

import pytest

from entrypoints.settings import GOOGLE_TOKEN_URI, Settings, SettingsError


def test_google_defaults_to_google_and_is_off_without_a_client() -> None:
    settings = Settings.from_env({})
    assert not settings.google.configured
    assert settings.google.token_uri == GOOGLE_TOKEN_URI
    assert settings.google.api_base_url is None


def test_google_addresses_can_point_at_a_fake_and_round_trip_through_export() -> None:
    environ = {
        "GOOGLE_CLIENT_ID": "id",
        "GOOGLE_CLIENT_SECRET": "secret",
        "GOOGLE_TOKEN_URI": "http://127.0.0.1:9999/token",
        "GOOGLE_API_BASE_URL": "http://127.0.0.1:9999/calendar/v3",
        "GOOGLE_RETRY_BASE_MS": "5",
    }
    settings = Settings.from_env(environ)
    assert settings.google.configured
    assert settings.google.api_base_url == "http://127.0.0.1:9999/calendar/v3/"
    assert Settings.from_env(settings.export()).google == settings.google


@pytest.mark.parametrize(
    ("name", "value"), [("GOOGLE_TOKEN_URI", "ftp://x"), ("GOOGLE_TOKEN_KEY", "short"), ("GOOGLE_RETRY_BASE_MS", "-1")]
)
def test_a_malformed_google_setting_is_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
