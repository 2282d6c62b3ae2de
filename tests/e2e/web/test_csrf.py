"""Cross-site requests cannot act with a browser's session: JSON bodies only, the CSRF header on cookie calls."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.people import PASSWORD, sign_up
from tests.e2e.web.browsing import Visitor
from tests.e2e.web.test_pages import Visitors, signed_up

Client = AsyncTestClient[Litestar]


@pytest.fixture
def visitors(client: Client) -> Visitors:
    async def visitor() -> Visitor:
        return Visitor(client)

    return visitor


def problem(answer: Any, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_text_plain_form_posing_as_json_cannot_sign_in(client: Client) -> None:
    person = await sign_up(client, "victim")
    # What `<form enctype="text/plain">` with name `{"email":..., "password":"x` and value `"}` posts.
    body = f'{{"email": "{person.email}", "password": "{PASSWORD}", "x": "="}}'
    answer = await client.post("/api/auth/login", content=body, headers={"Content-Type": "text/plain"})
    problem(answer, 415)
    assert "set-cookie" not in answer.headers


async def test_api_sign_in_answers_a_bearer_token_and_sets_no_cookie(client: Client) -> None:
    person = await sign_up(client, "ada")
    answer = await client.post("/api/auth/login", json={"email": person.email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "bearer"
    assert "set-cookie" not in answer.headers
    assert (await client.get("/api/me")).status_code == 401, "no cookie session came of it"


async def test_a_json_route_refuses_a_form_body_but_a_bodiless_call_passes(client: Client) -> None:
    person = await sign_up(client, "ada")
    form = await person.post(
        "/api/calendars", content=b"name=Team", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    problem(form, 415)
    calendar = (await person.post("/api/calendars", {"name": "Team"})).json()
    assert (await person.delete(f"/api/calendars/{calendar['id']}")).status_code == 204


async def test_a_cookie_session_needs_the_csrf_header_for_unsafe_api_calls(visitors: Visitors) -> None:
    visitor, _ = await signed_up(visitors, "ada")
    forged = await visitor.api("POST", "/api/calendars", {"name": "Forged"}, csrf=False)
    problem(forged, 403)
    assert (await visitor.api("GET", "/api/calendars")).status_code == 200, "reading needs no header"
    made = await visitor.api("POST", "/api/calendars", {"name": "Team"})
    assert made.status_code == 201, made.text
    names = [c["name"] for c in (await visitor.api("GET", "/api/calendars")).json()["items"]]
    assert "Forged" not in names
    assert "Team" in names


async def test_a_cookie_session_needs_the_csrf_header_on_webhook_and_monitor_routes(visitors: Visitors) -> None:
    visitor, _ = await signed_up(visitors, "ada")
    for method, path in (
        ("DELETE", "/webhook/unsubscribe/some-channel"),
        ("POST", "/saq/api/queues/default/jobs/some-job/abort"),
    ):
        answer = await visitor.api(method, path, csrf=False)
        assert answer.status_code == 403, (path, answer.text)
        assert "CSRF" in answer.text


async def test_the_monitors_own_page_may_act_but_a_sibling_sites_page_may_not(visitors: Visitors) -> None:
    visitor, _ = await signed_up(visitors, "ada")  # the first to sign up administers planner
    action = "/saq/api/queues/default/jobs/some-job/abort"
    sibling = await visitor.api("POST", action, csrf=False, headers={"Sec-Fetch-Site": "same-site"})
    assert sibling.status_code == 403, sibling.text
    assert "CSRF" in sibling.text
    own = await visitor.api("POST", action, csrf=False, headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code != 403, own.text
    assert "CSRF" not in own.text


async def test_a_bearer_call_needs_no_csrf_header_and_google_pushes_stay_open(client: Client) -> None:
    person = await sign_up(client, "ada")
    assert (await person.post("/api/calendars", {"name": "Team"})).status_code == 201
    push = await client.post(
        "/webhook/google-calendar",
        headers={"X-Goog-Channel-ID": "unknown", "X-Goog-Resource-State": "exists", "Cookie": "planner_token=x"},
    )
    assert push.json()["type"] == "urn:planner:problem:push_rejected", "judged by its channel token, not CSRF"
