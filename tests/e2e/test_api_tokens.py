"""Personal API tokens: shown once, listed without their secret, bound by scopes and owner, revoked at once."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.people import Person, at, sign_up, window
from tests.support.waiting import wait_for

Client = AsyncTestClient[Litestar]
PROBLEM = "application/problem+json"


@pytest.fixture
async def other_process(settings: Settings) -> AsyncIterator[Client]:
    """A second web process on the same servers."""
    app = create_app(dataclasses.replace(settings), configure_logs=False)
    async with AsyncTestClient(app=app) as client:
        yield client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def make_token(person: Person, *scopes: str, **fields: Any) -> tuple[str, str]:
    """A new token of `person`: its id and its secret."""
    body = {"name": f"integration {len(scopes)}", "scopes": list(scopes), **fields}
    made = await person.post("/api/tokens", json=body)
    assert made.status_code == 201, made.text
    return made.json()["id"], made.json()["token"]


async def test_a_new_token_is_answered_once_with_a_recognisable_prefix_and_listed_without_its_secret(
    client: Client,
) -> None:
    person = await sign_up(client)
    made = await person.post("/api/tokens", json={"name": "nightly export", "scopes": ["events:read", "rooms:read"]})

    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    secret = made.json()["token"]
    assert re.fullmatch(r"plnr_[A-Za-z0-9_-]{43}", secret)
    listed = await person.get("/api/tokens")
    assert listed.status_code == 200
    assert secret not in listed.text
    (item,) = listed.json()["items"]
    assert item["id"] == made.json()["id"]
    assert item["name"] == "nightly export"
    assert item["scopes"] == ["events:read", "rooms:read"]
    assert item["expires_at"] is None
    assert item["last_used_at"] is None


async def test_a_token_reads_its_owners_events_and_notes_when_and_where_it_was_used(client: Client) -> None:
    person = await sign_up(client)
    event = await person.post("/api/events", json={"title": "Standup", "starts_at": at(9), "ends_at": at(10)})
    _, secret = await make_token(person, "events:read")

    seen = await client.get("/api/events", params=window(), headers=bearer(secret))

    assert seen.status_code == 200, seen.text
    assert [item["id"] for item in seen.json()["items"]] == [event.json()["id"]]
    (item,) = (await person.get("/api/tokens")).json()["items"]
    assert item["last_used_at"] is not None
    assert item["last_used_from"]  # the test client's address


async def test_a_token_without_the_scope_is_refused_with_a_problem_naming_the_missing_scope(client: Client) -> None:
    person = await sign_up(client)
    _, secret = await make_token(person, "events:read")

    refused = await client.post(
        "/api/events", json={"title": "Sneaky", "starts_at": at(9), "ends_at": at(10)}, headers=bearer(secret)
    )

    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["missing_scope"] == "events:write"
    assert "events:write" in refused.json()["detail"]
    assert (await client.get("/api/rooms", headers=bearer(secret))).json()["missing_scope"] == "rooms:read"


async def test_a_token_never_sees_more_than_its_owner(client: Client) -> None:
    owner, stranger = await sign_up(client), await sign_up(client)
    event = await owner.post("/api/events", json={"title": "Private", "starts_at": at(9), "ends_at": at(10)})
    _, secret = await make_token(stranger, "events:read", "events:write")

    assert (await client.get(f"/api/events/{event.json()['id']}", headers=bearer(secret))).status_code == 404
    assert (await client.get("/api/events", params=window(), headers=bearer(secret))).json()["items"] == []


async def test_the_admin_scope_is_for_administrators_and_still_needs_an_administrator(client: Client) -> None:
    admin, person = await sign_up(client, "admin"), await sign_up(client)

    refused = await person.post("/api/tokens", json={"name": "root", "scopes": ["admin"]})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)

    _, admin_secret = await make_token(admin, "admin")
    _, plain_secret = await make_token(admin, "events:read")
    assert (await client.get("/api/admin/connections", headers=bearer(admin_secret))).status_code == 200
    assert (await client.get("/api/admin/connections", headers=bearer(plain_secret))).json()["missing_scope"] == "admin"


async def test_a_token_cannot_manage_tokens_the_password_or_sessions(client: Client) -> None:
    person = await sign_up(client)
    token_id, secret = await make_token(person, *("events:read", "events:write", "notifications:read"))

    for method, path, body in (
        ("POST", "/api/tokens", {"name": "another", "scopes": ["events:read"]}),
        ("GET", "/api/tokens", None),
        ("DELETE", f"/api/tokens/{token_id}", None),
        ("POST", "/api/auth/logout-all", None),
    ):
        answer = await client.request(method, path, json=body, headers=bearer(secret))
        assert answer.status_code == 403, f"{method} {path}: {answer.status_code}"
        assert answer.json()["type"] == "urn:planner:problem:not_for_api_tokens"
    assert (await client.get("/", headers={**bearer(secret), "Accept": "text/html"})).status_code == 403
    assert (await person.get("/api/me")).status_code == 200  # the person's session is untouched


async def test_a_revoked_token_is_refused_at_once_by_another_web_process(client: Client, other_process: Client) -> None:
    person = await sign_up(client)
    token_id, secret = await make_token(person, "events:read")
    assert (await other_process.get("/api/events", params=window(), headers=bearer(secret))).status_code == 200

    assert (await person.delete(f"/api/tokens/{token_id}")).status_code == 204

    assert (await other_process.get("/api/events", params=window(), headers=bearer(secret))).status_code == 401
    assert (await client.get("/api/events", params=window(), headers=bearer(secret))).status_code == 401
    assert (await person.get("/api/tokens")).json()["items"] == []


async def test_someone_elses_token_cannot_be_revoked(client: Client) -> None:
    owner, stranger = await sign_up(client), await sign_up(client)
    token_id, secret = await make_token(owner, "events:read")

    assert (await stranger.delete(f"/api/tokens/{token_id}")).status_code == 404
    assert (await client.get("/api/me", headers=bearer(secret))).status_code == 200


async def test_a_token_stops_working_when_it_expires(client: Client) -> None:
    person = await sign_up(client)
    soon = datetime.now(UTC) + timedelta(seconds=1)
    _, secret = await make_token(person, "events:read", expires_at=soon.isoformat())
    assert (await client.get("/api/me", headers=bearer(secret))).status_code == 200

    async def expired() -> bool:
        return (await client.get("/api/me", headers=bearer(secret))).status_code == 401

    await wait_for(expired, timeout=5, what="the token to expire")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scopes": ["events:delete"]}, "scopes[0]"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "", "scopes": ["events:read"]}, "name"),
        ({"name": "x", "scopes": ["events:read"], "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"name": "x", "scopes": ["events:read"], "expires_at": "2030-01-01T00:00:00"}, "expires_at"),
    ],
)
async def test_a_token_asked_for_wrongly_is_a_422_naming_the_field(
    client: Client, body: dict[str, Any], field: str
) -> None:
    person = await sign_up(client)
    refused = await person.post("/api/tokens", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == field


async def test_an_unknown_token_is_refused(client: Client) -> None:
    assert (await client.get("/api/me", headers=bearer("plnr_" + "x" * 43))).status_code == 401
    assert (await client.get("/api/me", headers=bearer("plnr_short"))).status_code == 401
