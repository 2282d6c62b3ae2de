"""SMTP_URL as operators write it."""

import pytest

from adapters.mail.smtp import BadSmtpUrl, SmtpServer
from entrypoints.settings import Settings, SettingsError


def test_a_submission_url_with_starttls_and_credentials() -> None:
    server = SmtpServer.from_url("smtp://ada%40example.com:p%40ss@mail.example.com:587?starttls=true")
    assert server == SmtpServer(
        host="mail.example.com", port=587, username="ada@example.com", password="p@ss", use_tls=False, start_tls=True
    )


def test_smtps_is_tls_from_the_first_byte_on_465() -> None:
    assert SmtpServer.from_url("smtps://mail.example.com") == SmtpServer(
        host="mail.example.com", port=465, use_tls=True, start_tls=False
    )


def test_without_starttls_it_is_used_when_offered() -> None:
    assert SmtpServer.from_url("smtp://127.0.0.1:2525").start_tls is None


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://", "smtp://host:587?starttls=maybe"])
def test_a_url_that_is_not_smtp_is_refused(url: str) -> None:
    with pytest.raises(BadSmtpUrl):
        SmtpServer.from_url(url)


def test_settings_refuse_a_bad_smtp_url_and_a_from_without_at() -> None:
    with pytest.raises(SettingsError, match="SMTP_URL"):
        Settings.from_env({"APP_ENV": "test", "SMTP_URL": "mail.example.com:25"})
    with pytest.raises(SettingsError, match="MAIL_FROM"):
        Settings.from_env({"APP_ENV": "test", "MAIL_FROM": "planner"})


def test_email_is_off_without_smtp_url() -> None:
    assert not Settings.from_env({"APP_ENV": "test"}).mail.enabled
    assert Settings.from_env({"APP_ENV": "test", "SMTP_URL": "smtp://localhost:25"}).mail.enabled
