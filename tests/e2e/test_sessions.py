"""Sessions you can end: sign-out, sign out everywhere, demotion; 12-hour tokens that slide for the web client."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from litestar import Litestar
from litestar.security.jwt import Token
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.postgres.accounts import PostgresSessions
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.accounts.demote_user import demote_user
from application.accounts.dto import DemoteUser
from entrypoints.app import create_app
from entrypoints.http.auth import COOKIE_NAME
from entrypoints.http.dependencies import container_of
from entrypoints.settings import Settings
from tests.e2e.people import PASSWORD, Person, sign_up

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def other_process(settings: Settings) -> AsyncIterator[Client]:
    """A second web process on the same servers, trusting no remembered session check (TTL 0)."""
    app = create_app(dataclasses.replace(settings, session_check_ttl_seconds=0), configure_logs=False)
    async with AsyncTestClient(app=app) as client:
        yield client


async def sign_in_again(person: Person) -> str:
    answer = await person.client.post("/api/auth/login", json={"email": person.email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    person.client.cookies.clear()
    return str(answer.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def session_of(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["extras"]["sid"])


async def test_signing_out_ends_that_session_and_no_other(client: Client) -> None:
    person = await sign_up(client)
    laptop, phone = person.token, await sign_in_again(person)
    assert (await client.get("/api/me", headers=bearer(laptop))).status_code == 200

    assert (await client.post("/api/auth/logout", headers=bearer(laptop))).status_code == 204

    assert (await client.get("/api/me", headers=bearer(laptop))).status_code == 401
    assert (await client.get("/api/me", headers=bearer(phone))).status_code == 200


async def test_signing_out_everywhere_refuses_older_tokens_in_every_process(
    client: Client, other_process: Client
) -> None:
    person = await sign_up(client)
    laptop, phone = person.token, await sign_in_again(person)
    for token in (laptop, phone):  # both processes have checked (and may remember) both sessions
        assert (await client.get("/api/me", headers=bearer(token))).status_code == 200
        assert (await other_process.get("/api/me", headers=bearer(token))).status_code == 200

    assert (await client.post("/api/auth/logout-all", headers=bearer(phone))).status_code == 204

    for token in (laptop, phone):
        assert (await client.get("/api/me", headers=bearer(token))).status_code == 401
        assert (await other_process.get("/api/me", headers=bearer(token))).status_code == 401
    assert (await client.get("/api/me", headers=bearer(await sign_in_again(person)))).status_code == 200


async def test_sign_out_everywhere_needs_a_signed_in_caller(client: Client) -> None:
    assert (await client.post("/api/auth/logout-all")).status_code == 401


async def test_a_demoted_admin_loses_admin_pages_at_once_though_this_process_remembers_their_session(
    client: Client, engine: AsyncEngine
) -> None:
    admin = await sign_up(client, "admin")  # the first account administers planner
    assert (await admin.get("/api/admin/connections")).status_code == 200
    sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

    # Demoted by an operator's command: another process, whose change this app's cache never hears about.
    await demote_user(
        DemoteUser(email=admin.email), uow=PostgresUnitOfWork(sessions), sessions=PostgresSessions(sessions)
    )

    assert (await admin.get("/api/admin/connections")).status_code in (401, 403)
    assert (await admin.get("/saq/api/queues")).status_code in (401, 403)
    again = await sign_in_again(admin)
    assert (await client.get("/api/me", headers=bearer(again))).json()["is_admin"] is False
    assert (await client.get("/api/admin/connections", headers=bearer(again))).status_code == 403


async def test_an_admin_claim_in_a_token_grants_nothing(client: Client, app: Litestar) -> None:
    await sign_up(client, "admin")
    person = await sign_up(client)
    claims: dict[str, Any] = {"sid": session_of(person.token), "adm": True}
    forged = container_of(app).auth.create_token(identifier=person.id, token_extras=claims)

    assert (await client.get("/api/admin/connections", headers=bearer(forged))).status_code == 403
    assert (await client.get("/api/me", headers=bearer(forged))).json()["is_admin"] is False


async def test_a_token_without_a_live_session_is_refused(client: Client, app: Litestar) -> None:
    person = await sign_up(client)
    sessionless = container_of(app).auth.create_token(identifier=person.id)
    assert (await client.get("/api/me", headers=bearer(sessionless))).status_code == 401


async def test_tokens_last_twelve_hours_at_most(client: Client) -> None:
    person = await sign_up(client)
    answer = await client.post("/api/auth/login", json={"email": person.email, "password": PASSWORD})
    assert answer.json()["expires_in"] <= 12 * 3600
    claims = jwt.decode(answer.json()["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= 12 * 3600


def _aged_token(app: Litestar, person: Person, *, age: timedelta) -> str:
    now = datetime.now(UTC)
    token = Token(
        sub=person.id, iat=now - age, exp=now - age + timedelta(hours=12), extras={"sid": session_of(person.token)}
    )
    return token.encode(container_of(app).auth.token_secret, "HS256")


async def test_a_web_cookie_past_half_its_life_is_renewed(client: Client, app: Litestar) -> None:
    person = await sign_up(client)
    aged = _aged_token(app, person, age=timedelta(hours=7))

    client.cookies.set(COOKIE_NAME, aged)
    answer = await client.get("/api/me")

    assert answer.status_code == 200
    renewed = answer.cookies.get(COOKIE_NAME)
    assert renewed
    assert renewed != aged
    claims = jwt.decode(renewed, options={"verify_signature": False})
    assert claims["exp"] > datetime.now(UTC).timestamp() + 11 * 3600
    client.cookies.clear()
    assert (await client.get("/api/me", headers=bearer(renewed))).status_code == 200


async def test_a_young_cookie_and_a_bearer_token_are_not_renewed(client: Client, app: Litestar) -> None:
    person = await sign_up(client)
    young = _aged_token(app, person, age=timedelta(hours=1))
    client.cookies.set(COOKIE_NAME, young)
    assert COOKIE_NAME not in (await client.get("/api/me")).cookies
    client.cookies.clear()
    aged = _aged_token(app, person, age=timedelta(hours=7))
    assert COOKIE_NAME not in (await client.get("/api/me", headers=bearer(aged))).cookies
