"""Account pages: sign out everywhere, and the administrators' invitation form."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from domain.accounts.registration import RegistrationMode, RegistrationPolicy
from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.people import PASSWORD
from tests.e2e.web.browsing import Visitor

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def invite_only(settings: Settings) -> AsyncIterator[Client]:
    policy = RegistrationPolicy(RegistrationMode.INVITE)
    app = create_app(dataclasses.replace(settings, registration=policy), configure_logs=False)
    async with AsyncTestClient(app=app) as client:
        yield client


async def sign_in(visitor: Visitor, email: str) -> None:
    answer = await visitor.submit("/login", "/login", {"email": email, "password": PASSWORD, "next": "/"})
    assert answer.status_code == 303, answer.text


async def test_sign_out_everywhere_ends_the_sessions_of_every_browser(client: Client) -> None:
    laptop, phone = Visitor(client), Visitor(client)
    assert (await laptop.sign_up("Ada", "ada@example.com")).status_code == 303
    await sign_in(phone, "ada@example.com")
    assert (await phone.open("/")).status_code == 200
    page = await laptop.open("/")
    assert 'action="/logout-all"' in page.text
    assert "Sign out everywhere" in page.text

    answer = await laptop.submit("/", "/logout-all", {})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    # The phone kept its cookie, but its session is gone.
    assert (await phone.open("/")).headers["location"].startswith("/login")
    assert (await laptop.open("/")).headers["location"].startswith("/login")


async def test_an_admin_makes_an_invitation_link_that_admits_its_email_once(
    client: Client, invite_only: Client
) -> None:
    admin = Visitor(client)
    assert (await admin.sign_up("Admin", "admin@example.com")).status_code == 303
    assert 'href="/admin/invitations"' in (await admin.open("/")).text
    made = await admin.submit("/admin/invitations", "/admin/invitations", {"email": "guest@example.com"})
    assert made.status_code == 200, made.text
    url = made.text.split('id="invitation-url" readonly value="', 1)[1].split('"', 1)[0]
    path = httpx.URL(url).raw_path.decode()

    guest = Visitor(invite_only)
    form = {"name": "Guest", "email": "guest@example.com", "password": PASSWORD, "timezone": "UTC"}
    invitation = httpx.URL(url).params["invitation"]
    joined = await guest.submit(path, "/signup", {**form, "invitation": invitation})
    assert joined.status_code == 303
    assert joined.headers["location"] == "/login?joined=1"
    await sign_in(guest, "guest@example.com")

    latecomer = Visitor(invite_only)
    refused = await latecomer.submit(path, "/signup", {**form, "invitation": invitation})
    assert refused.status_code == 403


async def test_the_invitation_form_is_for_administrators_only(client: Client) -> None:
    admin, person = Visitor(client), Visitor(client)
    assert (await admin.sign_up("Admin", "admin@example.com")).status_code == 303
    assert (await person.sign_up("Bob", "bob@example.com")).status_code == 303
    assert 'href="/admin/invitations"' not in (await person.open("/")).text
    assert (await person.open("/admin/invitations")).status_code == 403
