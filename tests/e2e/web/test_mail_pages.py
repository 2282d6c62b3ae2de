"""The notification preferences page, with email off and on, and the administrators' page of caught mail."""

from __future__ import annotations

import smtplib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.mail.catch_all import CatchAllSmtpServer
from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.web.browsing import Visitor

Client = AsyncTestClient[Litestar]


@pytest.fixture
def catch_all(tmp_path: Path) -> Iterator[CatchAllSmtpServer]:
    server = CatchAllSmtpServer(tmp_path / "mail")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def with_mail(settings: Settings, catch_all: CatchAllSmtpServer) -> AsyncIterator[Client]:
    """The app as `planner up --mail` runs it: email to the catch-all, whose Maildir the admin page reads."""
    mailing = settings.with_mail(smtp_url=catch_all.url, catch_all_dir=str(catch_all.maildir))
    async with AsyncTestClient(app=create_app(mailing, configure_logs=False)) as client:
        yield client


async def test_the_preferences_page_says_email_is_off_without_smtp_url(client: Client) -> None:
    ada = Visitor(client)
    assert (await ada.sign_up("Ada", "ada@example.com")).status_code == 303
    page = await ada.open("/settings/notifications")
    assert page.status_code == 200
    assert 'id="email-off"' in page.text
    assert "SMTP_URL" in page.text
    assert (await ada.api("GET", "/api/me/notification-preferences")).json()["email_enabled"] is False


async def test_the_preferences_page_keeps_what_was_ticked(with_mail: Client) -> None:
    ada = Visitor(with_mail)
    assert (await ada.sign_up("Ada", "ada@example.com")).status_code == 303
    page = await ada.open("/settings/notifications")
    assert 'id="email-off"' not in page.text
    assert 'name="event_invited.email" value="on"' in page.text

    saved = await ada.submit(
        "/settings/notifications",
        "/settings/notifications",
        {"event_invited.email": "on", "event_reminder.in_app": "on", "event_reminder.email": "on"},
    )

    assert saved.status_code == 200
    assert "Saved." in saved.text
    chosen = (await ada.api("GET", "/api/me/notification-preferences")).json()
    assert chosen == {
        "event_invited": ["email"],
        "event_updated": [],
        "event_cancelled": [],
        "event_reminder": ["in_app", "email"],
        "participant_response": [],
        "email_enabled": True,
    }


async def test_administrators_read_what_the_catch_all_received(
    with_mail: Client, catch_all: CatchAllSmtpServer
) -> None:
    admin, bob = Visitor(with_mail), Visitor(with_mail)
    assert (await admin.sign_up("Admin", "admin@example.com")).status_code == 303
    assert (await bob.sign_up("Bob", "bob@example.com")).status_code == 303
    host, port = catch_all.url.removeprefix("smtp://").split("?")[0].split(":")
    with smtplib.SMTP(host, int(port), timeout=5) as smtp:
        smtp.sendmail(
            "calendar@planner.example",
            ["bob@example.com"],
            "Subject: Invitation: Budget review\r\nTo: bob@example.com\r\nFrom: calendar@planner.example\r\n"
            "Date: Sat, 28 Nov 2026 14:00:00 +0000\r\n\r\nAda invited you.\r\n",
        )

    page = await admin.open("/admin/mail")

    assert page.status_code == 200
    assert "Invitation: Budget review" in page.text
    assert "Ada invited you." in page.text
    assert (await bob.open("/admin/mail")).status_code == 403
