"""Who may join: REGISTRATION, single-use invitations, exactly one first administrator, no enumeration."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounts.registration import RegistrationMode, RegistrationPolicy
from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.people import PASSWORD, Person, sign_up

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def invite_only(settings: Settings) -> AsyncIterator[Client]:
    app = create_app(
        dataclasses.replace(settings, registration=RegistrationPolicy(RegistrationMode.INVITE)), configure_logs=False
    )
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
async def company_only(settings: Settings) -> AsyncIterator[Client]:
    policy = RegistrationPolicy(RegistrationMode.DOMAIN, domains=("example.com",))
    app = create_app(dataclasses.replace(settings, registration=policy), configure_logs=False)
    async with AsyncTestClient(app=app) as client:
        yield client


def signup(email: str, **extra: str) -> dict[str, str]:
    return {"email": email, "password": PASSWORD, "name": email.partition("@")[0], **extra}


async def invitation_token(admin: Person, email: str) -> str:
    answer = await admin.post("/api/admin/invitations", {"email": email})
    assert answer.status_code == 201, answer.text
    return parse_qs(urlsplit(answer.json()["url"]).query)["invitation"][0]


async def test_twenty_simultaneous_first_sign_ups_make_exactly_one_admin(client: Client, engine: AsyncEngine) -> None:
    answers = await asyncio.gather(
        *(client.post("/api/auth/register", json=signup(f"first{i}@example.com")) for i in range(20))
    )
    assert [answer.status_code for answer in answers] == [201] * 20
    assert sum(answer.json()["is_admin"] for answer in answers) == 1
    async with engine.connect() as conn:
        admins = (await conn.execute(text("SELECT count(*) FROM users WHERE is_admin"))).scalar_one()
    assert admins == 1


async def test_only_admins_make_invitations(client: Client) -> None:
    await sign_up(client, "admin")
    person = await sign_up(client)
    assert (await person.post("/api/admin/invitations", {"email": "new@example.com"})).status_code == 403
    client.cookies.clear()
    assert (await client.post("/api/admin/invitations", json={"email": "new@example.com"})).status_code == 401


async def test_an_invitation_admits_one_sign_up_of_its_email(invite_only: Client, client: Client) -> None:
    admin = await sign_up(client, "admin")  # opened before the rule changed: the first account administers
    token = await invitation_token(admin, "guest@example.com")

    other_email = await invite_only.post("/api/auth/register", json=signup("intruder@example.com", invitation=token))
    assert other_email.status_code == 403
    joined = await invite_only.post("/api/auth/register", json=signup("guest@example.com", invitation=token))
    assert joined.status_code == 202, joined.text
    login = await invite_only.post("/api/auth/login", json={"email": "guest@example.com", "password": PASSWORD})
    assert login.status_code == 200
    again = await invite_only.post("/api/auth/register", json=signup("guest@example.com", invitation=token))
    assert again.status_code == 403
    assert again.json()["type"].endswith("invalid_invitation")


async def test_twenty_sign_ups_racing_with_one_invitation_open_one_account(
    invite_only: Client, client: Client, engine: AsyncEngine
) -> None:
    admin = await sign_up(client, "admin")
    token = await invitation_token(admin, "guest@example.com")
    answers = await asyncio.gather(
        *(invite_only.post("/api/auth/register", json=signup("guest@example.com", invitation=token)) for _ in range(20))
    )
    assert sorted(answer.status_code for answer in answers).count(202) == 1
    async with engine.connect() as conn:
        guests = (await conn.execute(text("SELECT count(*) FROM users WHERE email = 'guest@example.com'"))).scalar_one()
    assert guests == 1


async def test_invite_only_sign_up_answers_the_same_for_existing_and_new_emails(
    invite_only: Client, client: Client
) -> None:
    existing = await sign_up(client)
    for_existing = await invite_only.post("/api/auth/register", json=signup(existing.email))
    for_new = await invite_only.post("/api/auth/register", json=signup("nobody@example.com"))
    assert (for_existing.status_code, for_existing.json()["detail"]) == (for_new.status_code, for_new.json()["detail"])
    assert for_new.status_code == 403


async def test_domain_sign_up_admits_its_domains_and_answers_the_same_for_existing_emails(
    company_only: Client, client: Client
) -> None:
    existing = await sign_up(client)  # person-N@example.com
    for_existing = await company_only.post("/api/auth/register", json=signup(existing.email))
    for_new = await company_only.post("/api/auth/register", json=signup("newcomer@example.com"))
    assert for_existing.status_code == for_new.status_code == 202
    assert for_existing.json() == for_new.json()
    login = await company_only.post("/api/auth/login", json={"email": "newcomer@example.com", "password": PASSWORD})
    assert login.status_code == 200
    outsider = await company_only.post("/api/auth/register", json=signup("someone@elsewhere.org"))
    assert outsider.status_code == 403


async def test_the_web_sign_up_page_takes_the_invitation_from_its_link(invite_only: Client, client: Client) -> None:
    admin = await sign_up(client, "admin")
    token = await invitation_token(admin, "guest@example.com")
    form = await invite_only.get(f"/signup?invitation={token}")
    assert form.status_code == 200
    assert f'name="invitation" value="{token}"' in form.text
