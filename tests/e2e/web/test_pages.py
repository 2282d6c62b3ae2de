"""The web pages through the real app: sign-up and sign-in by form, CSRF, escaping, others' events, form errors."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.web.browsing import Visitor, csrf_token

_numbers = itertools.count(1)
Visitors = Callable[[], Awaitable[Visitor]]


@pytest.fixture
def visitors(client: AsyncTestClient[Litestar]) -> Visitors:
    """As many separate browsers on the app as a test needs."""

    async def visitor() -> Visitor:
        return Visitor(client)

    return visitor


async def signed_up(visitors: Visitors, name: str) -> tuple[Visitor, str]:
    visitor, email = await visitors(), f"{name}-{next(_numbers)}@example.com"
    answer = await visitor.sign_up(name.title(), email)
    assert answer.status_code == 303, answer.text
    return visitor, email


def tomorrow(hour: int) -> str:
    day = (datetime.now(UTC) + timedelta(days=1)).astimezone(UTC)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def event_fields(title: str, start: int, end: int, **more: object) -> dict[str, object]:
    return {
        "title": title,
        "starts": tomorrow(start),
        "ends": tomorrow(end),
        "timezone": "UTC",
        "reminders": "15",
        **more,
    }


async def test_sign_in_page_has_a_form_with_a_csrf_token_and_htmx(visitors: Visitors) -> None:
    page = await (await visitors()).open("/login")

    assert page.status_code == 200
    assert "<form" in page.text
    assert csrf_token(page.text)
    assert 'src="/static/vendor/htmx/htmx.min.js"' in page.text


async def test_htmx_and_its_sse_extension_are_served_from_npm(visitors: Visitors) -> None:
    visitor = await visitors()
    for script in (
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/htmx-ext-sse/sse.min.js",
        "/static/app/planner.js",
    ):
        answer = await visitor.client.get(script)
        assert answer.status_code == 200, script
        assert "javascript" in answer.headers["content-type"]


async def test_a_form_posted_without_its_csrf_token_is_refused_with_a_page(visitors: Visitors) -> None:
    visitor = await visitors()
    await visitor.open("/signup")

    answer = await visitor.post("/signup", {"name": "Eve", "email": "eve@example.com", "password": "long enough pass"})

    assert answer.status_code == 403
    assert "text/html" in answer.headers["content-type"]
    assert "This form has expired" in answer.text
    assert (
        await visitor.submit("/login", "/login", {"email": "eve@example.com", "password": "x" * 12})
    ).status_code == 401


async def test_the_json_api_is_not_asked_for_csrf_tokens(client: AsyncTestClient[Litestar]) -> None:
    answer = await client.post(
        "/api/auth/register", json={"email": "api@example.com", "password": "long enough pass", "name": "Api"}
    )

    assert answer.status_code == 201, answer.text


async def test_signing_up_signs_in_and_shows_the_week_with_the_live_bell(visitors: Visitors) -> None:
    visitor, _ = await signed_up(visitors, "ada")

    home = await visitor.open("/")

    assert home.status_code == 200
    assert 'sse-connect="/api/notifications/stream"' in home.text
    assert 'hx-ext="sse"' in home.text
    assert 'id="unread-count"' in home.text
    assert home.text.count('class="day-head') == 7


async def test_signed_out_pages_send_you_to_sign_in(visitors: Visitors) -> None:
    answer = await (await visitors()).open("/rooms")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/rooms"


async def test_signing_in_and_out_by_form(visitors: Visitors) -> None:
    _, email = await signed_up(visitors, "bob")
    visitor = await visitors()

    wrong = await visitor.submit("/login", "/login", {"email": email, "password": "not the password"})
    right = await visitor.submit("/login", "/login", {"email": email, "password": "correct horse battery staple"})
    signed_in = await visitor.open("/notifications")
    out = await visitor.submit("/", "/logout", {})

    assert wrong.status_code == 401
    assert "Wrong email or password" in wrong.text
    assert right.status_code == 303
    assert signed_in.status_code == 200
    assert out.status_code == 303
    assert (await visitor.open("/notifications")).status_code == 303


async def test_a_script_in_a_title_is_shown_as_text(visitors: Visitors) -> None:
    visitor, _ = await signed_up(visitors, "mallory")

    created = await visitor.submit("/events/new", "/events/new", event_fields("<script>alert(1)</script>", 9, 10))
    event_page = await visitor.open(created.headers["location"])
    week = await visitor.open(f"/?date={tomorrow(0)[:10]}")

    assert created.status_code == 303, created.text
    for page in (event_page, week):
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_someone_elses_event_page_is_a_404_page(visitors: Visitors) -> None:
    ada, _ = await signed_up(visitors, "ada")
    carol, _ = await signed_up(visitors, "carol")
    created = await ada.submit("/events/new", "/events/new", event_fields("Private", 9, 10))

    answer = await carol.open(created.headers["location"])

    assert answer.status_code == 404
    assert "text/html" in answer.headers["content-type"]
    assert "Private" not in answer.text


async def test_an_invalid_event_shows_the_error_next_to_the_field_and_keeps_what_was_typed(visitors: Visitors) -> None:
    visitor, _ = await signed_up(visitors, "dora")

    answer = await visitor.submit("/events/new", "/events/new", event_fields("Typed title", 11, 10))

    assert answer.status_code == 422
    assert 'id="ends-error"' in answer.text
    assert 'value="Typed title"' in answer.text
    assert "application/json" not in answer.headers["content-type"]


async def test_an_unknown_guest_is_reported_at_the_participants(visitors: Visitors) -> None:
    visitor, _ = await signed_up(visitors, "erin")

    answer = await visitor.submit(
        "/events/new", "/events/new", event_fields("Typed title", 9, 10, participants="nobody@example.com")
    )

    assert answer.status_code == 422
    assert 'id="participants-error"' in answer.text
    assert "nobody@example.com" in answer.text


async def test_guessing_a_password_on_the_sign_in_page_is_limited_like_the_api(settings: Settings) -> None:
    limited = dataclasses.replace(settings, rate_limits=dataclasses.replace(settings.rate_limits, per_account=3))
    async with AsyncTestClient(app=create_app(limited, configure_logs=False)) as client:
        visitor, email = Visitor(client), f"ada-{next(_numbers)}@example.com"
        await visitor.sign_up("Ada", email)
        guesses = [
            (await visitor.submit("/login", "/login", {"email": email, "password": f"guess {n}"})).status_code
            for n in range(4)
        ]
        refused = await visitor.submit("/login", "/login", {"email": email, "password": "correct horse battery staple"})

    assert guesses == [401, 401, 401, 429]
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert int(refused.headers["retry-after"]) > 0


async def test_a_missing_page_is_a_page_for_browsers_and_problem_json_for_programs(visitors: Visitors) -> None:
    visitor = await visitors()

    page = await visitor.open("/no-such-page")
    api = await visitor.api("GET", "/api/no-such-thing")

    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "Not found" in page.text
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")
