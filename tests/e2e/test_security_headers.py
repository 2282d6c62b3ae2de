"""Security headers on every answer: pages, private JSON, problems, static files and the schema."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.http.headers import security_headers
from tests.e2e.people import sign_up

Client = AsyncTestClient[Litestar]


def assert_hardened(answer: Any) -> None:
    policy = answer.headers["content-security-policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "script-src 'self'"):
        assert directive in policy, (directive, policy)
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"


async def test_private_json_pages_and_problems_carry_the_headers_and_are_never_stored(client: Client) -> None:
    person = await sign_up(client, "ada")
    answers = [
        await person.get("/api/me"),
        await person.get("/api/calendars"),
        await client.get("/login", headers={"Accept": "text/html"}),
        await client.get("/api/me"),  # a 401 problem
        await client.get("/no-such-page", headers={"Accept": "text/html"}),
    ]
    for answer in answers:
        assert_hardened(answer)
        assert answer.headers["cache-control"] == "no-store", answer.request.url
    assert "strict-transport-security" not in answers[0].headers, "HSTS only in production"


async def test_static_files_stay_cacheable_and_hardened(client: Client) -> None:
    answer = await client.get("/static/app/planner.js")
    assert answer.status_code == 200
    assert_hardened(answer)
    assert "public" in answer.headers["cache-control"]


async def test_the_schema_is_served_as_json_without_a_page_loading_cdn_scripts(client: Client) -> None:
    assert (await client.get("/schema/openapi.json")).status_code == 200
    page = await client.get("/schema")
    assert "cdn.jsdelivr.net" not in page.text


def test_production_answers_add_strict_transport_security() -> None:
    message: dict[str, Any] = {"type": "http.response.start", "status": 200, "headers": []}
    asyncio.run(security_headers(production=True)(message, {}))  # type: ignore[arg-type]
    names = {name.decode().lower(): value.decode() for name, value in message["headers"]}
    assert names["strict-transport-security"].startswith("max-age=31536000")
    assert names["cache-control"] == "no-store"
