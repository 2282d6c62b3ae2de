"""Every route, as every kind of caller: the answers of tests/e2e/authorization_matrix.py, cell by cell."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.webhooks import PostgresWebhookStore
from adapters.redis.notifications import RedisNotificationPublisher
from application.notifications.create_notification import create_notification
from domain.accounts.api_token import TokenScope
from domain.identity import new_id
from domain.notifications.notification import NotificationDraft, NotificationType
from domain.webhooks.delivery import WebhookDelivery
from domain.webhooks.subscription import WebhookEventType
from entrypoints.http.auth import PUBLIC_PATHS
from entrypoints.http.scopes import ANY_TOKEN, access_of
from entrypoints.settings import Settings
from tests.e2e.authorization_matrix import MATRIX, OAUTH, ROLES, SCENE, SESSION, Row, markdown_table
from tests.e2e.people import PASSWORD, Person, at, sign_up
from tests.e2e.web.browsing import csrf_token
from tests.fakes.google import FakeGoogle, running_fake_google
from tests.support.google import connect, consent_url, google_settings, state_of

Client = AsyncTestClient[Litestar]
SESSION_COOKIE = "planner_token"
CSRF_COOKIE = "planner_csrf"
CSRF_HEADER = "x-csrftoken"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
NOT_ROUTES = {"OPTIONS", "HEAD"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    with running_fake_google() as fake:
        yield fake


@pytest.fixture
def settings(settings: Settings, fake: FakeGoogle) -> Settings:
    """A fake Google configured (Google routes answer on authorization, not a 503); webhooks may go to 127.0.0.1."""
    return replace(google_settings(settings, fake, "http://testserver.local"), webhook_allow_private=True)


def app_routes(app: Litestar) -> set[str]:
    """`METHOD /path/{param}` for every HTTP route of the app (the OpenAPI schema's and the pages')."""
    routes = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            path = re.sub(r"\{(\w+):[^}]+\}", r"{\1}", route.path)
            routes.update(f"{method} {path}" for method in route.methods - NOT_ROUTES)
    return routes


def test_every_route_of_the_app_has_a_row_in_the_matrix(app: Litestar) -> None:
    routes = app_routes(app)
    rows = [row.route for row in MATRIX]
    missing = sorted(routes - set(rows))
    assert not missing, f"routes without a row in tests/e2e/authorization_matrix.py: {missing}"
    gone = sorted(set(rows) - routes)
    assert not gone, f"rows in tests/e2e/authorization_matrix.py for routes the app does not have: {gone}"
    twice = sorted({route for route in rows if rows.count(route) > 1})
    assert not twice, f"routes with more than one row: {twice}"


def test_every_path_of_the_openapi_schema_is_a_route_the_matrix_covers(app: Litestar) -> None:
    schema = app.openapi_schema.to_schema()
    operations = {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}
    assert operations <= {row.route for row in MATRIX}, sorted(operations - {row.route for row in MATRIX})


def test_the_security_guide_shows_the_matrix_as_tested(project_root: Path) -> None:
    guide = (project_root / "docs" / "security.md").read_text()
    assert markdown_table() in guide, (
        "docs/security.md's authorization matrix differs from tests/e2e/authorization_matrix.py: "
        "paste the output of `uv run python -m tests.e2e.authorization_matrix` under 'Authorization matrix'"
    )


@dataclass
class World:
    """The people and things every cell's request names (see tests/e2e/authorization_matrix.py)."""

    client: Client
    fake: FakeGoogle
    people: dict[str, Person]
    values: dict[str, str]
    csrf: tuple[str, str] = ("", "")
    """The CSRF cookie and the matching form token, as a browser holds them after loading a form."""
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def token(self, role: str) -> str | None:
        return None if role == "anonymous" else self.people[role].token

    async def scene(self) -> dict[str, str]:
        """A shared calendar with its members, a room, and a weekly series booking it with a participant."""
        owner, admin, organizer = self.people["owner"], self.people["admin"], self.people["organizer"]
        number = next(self.numbers)
        calendar = await owner.post("/api/calendars", json={"name": f"Team {number}"})
        assert calendar.status_code == 201, calendar.text
        calendar_id = calendar.json()["id"]
        for role, access in (("viewer", "viewer"), ("editor", "editor"), ("organizer", "editor")):
            shared = await owner.post(
                f"/api/calendars/{calendar_id}/members", json={"email": self.people[role].email, "role": access}
            )
            assert shared.status_code in {200, 201}, shared.text
        room = await admin.post("/api/rooms", json={"name": f"Room {number}", "capacity": 8})
        assert room.status_code == 201, room.text
        event = await organizer.post(
            "/api/events",
            json={
                "title": f"Planning {number}",
                "starts_at": at(10),
                "ends_at": at(11),
                "calendar_id": calendar_id,
                "room_id": room.json()["id"],
                "participants": [self.people["participant"].email],
                "recurrence": {"rule": "FREQ=WEEKLY;COUNT=3"},
            },
        )
        assert event.status_code == 201, event.text
        second = datetime.fromisoformat(at(10)) + timedelta(days=7)
        return {
            "calendar_id": calendar_id,
            "room_id": room.json()["id"],
            "event_id": event.json()["id"],
            "recurrence_id": second.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        }

    async def sign_in_again(self, role: str) -> str | None:
        if role == "anonymous":
            return None
        login = await self.client.post("/api/auth/login", json={"email": self.people[role].email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        self.client.cookies.clear()
        return str(login.json()["access_token"])

    async def still_signed_in(self, role: str) -> None:
        """After a sign-out row: sign the role in again if that ended its session too (sign out everywhere)."""
        if role == "anonymous":
            return
        me = await self.client.get("/api/me", headers=self.people[role].auth)
        if me.status_code == 401:
            self.people[role].token = await self.sign_in_again(role) or ""

    async def oauth(self) -> dict[str, str]:
        url = await consent_url(self.people["owner"])
        return {"oauth_state": state_of(url), "oauth_code": self.fake.consent(url)}


async def build_world(client: Client, fake: FakeGoogle, engine: AsyncEngine, redis: Redis) -> World:
    # The first person to sign up administers planner.
    people = {role: await sign_up(client, role) for role in ("admin", *ROLES[1:-1], "spare")}
    world = World(client=client, fake=fake, people=people, values={})
    world.values.update(await world.scene())
    participant = people["participant"]
    notification = await create_notification(
        NotificationDraft(
            user_id=UUID(participant.id),
            type=NotificationType.EVENT_INVITED,
            title="Invitation",
            message="You are invited",
            event_id=UUID(world.values["event_id"]),
            dedupe_key=f"matrix:{world.values['event_id']}",
        ),
        # The app serves requests in the test client's own event loop: the test stores with its own engine.
        uow=PostgresUnitOfWork(async_sessionmaker(engine, expire_on_commit=False)),
        publisher=RedisNotificationPublisher(redis),
    )
    assert notification is not None
    job_id = await connect(people["owner"], fake)
    owners_token = await people["owner"].post("/api/tokens", json={"name": "matrix", "scopes": ["events:read"]})
    assert owners_token.status_code == 201, owners_token.text
    subscription_id, delivery_id = await _owners_webhook(people["owner"], engine)
    spare_subscription_id, _ = await _owners_webhook(people["owner"], engine)
    form = await client.get("/login", headers={"Accept": "text/html"})
    world.csrf = (form.cookies[CSRF_COOKIE], csrf_token(form.text))
    client.cookies.clear()
    world.values.update(
        notification_id=str(notification.id),
        token_id=owners_token.json()["id"],
        job_id=job_id,
        task_id=f"google-job:{job_id}",
        queue_id="planner",
        channel_id="no-such-channel",
        subscription_id=subscription_id,
        delivery_id=delivery_id,
        spare_subscription_id=spare_subscription_id,
        password=PASSWORD,
        spare_email=people["spare"].email,
        participant_email=participant.email,
        day_start=at(0),
        day_end=at(24),
        slot_start=at(15, offset_days=5),
        slot_end=at(16, offset_days=5),
        form_starts="2031-03-04T10:00",
        form_ends="2031-03-04T11:00",
        **{f"{role}_id": people[role].id for role in people},
    )
    return world


async def _owners_webhook(owner: Person, engine: AsyncEngine) -> tuple[str, str]:
    """The owner's webhook subscription, with one delivery planned (no worker sends it here)."""
    made = await owner.post("/api/webhooks", json={"url": "http://127.0.0.1:9/owner", "events": ["event.created"]})
    assert made.status_code == 201, made.text
    now = datetime.now(UTC)
    delivery = WebhookDelivery(
        id=new_id(now),
        subscription_id=UUID(made.json()["id"]),
        message_id="msg_matrix",
        event_type=WebhookEventType.EVENT_CREATED,
        payload="{}",
        created_at=now,
        next_attempt_at=now + timedelta(days=1),
    )
    store = PostgresWebhookStore(async_sessionmaker(engine, expire_on_commit=False))
    [delivery_id] = await store.plan([(delivery, "matrix")])
    return made.json()["id"], str(delivery_id)


def _fill(template: Any, values: dict[str, str]) -> Any:
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda found: values[found.group(1)], template)
    if isinstance(template, dict):
        return {key: _fill(value, values) for key, value in template.items()}
    return template


async def request(world: World, row: Row, role: str, api_token: str | None = None) -> httpx.Response:
    """The row's request as `role`: with their session, or with `api_token` (one of theirs) when given."""
    values = {**world.values, "unique": str(next(world.numbers))}
    token = api_token or world.token(role)
    if row.fresh == SCENE:
        values.update(await world.scene())
    elif row.fresh == SESSION and api_token is None:
        token = await world.sign_in_again(role)
    elif row.fresh == OAUTH:
        values.update(await world.oauth())
    try:
        return await _send(world, row, role, values, token)
    finally:
        if row.fresh == SESSION and api_token is None:
            await world.still_signed_in(role)


async def _send(world: World, row: Row, role: str, values: dict[str, str], token: str | None) -> httpx.Response:
    path = _PLACEHOLDER.sub(lambda found: _fill(row.params.get(found.group(1), found.group(0)), values), row.path)
    query = _fill(row.query, values)
    body = _fill(row.body, values)
    client = world.client
    client.cookies.clear()
    # Unsafe methods carry the CSRF cookie and header as a browser's script would: the matrix is about who
    # may do what, not about CSRF (tested on its own); an API call is authenticated by its bearer token.
    csrf_cookie, csrf = world.csrf
    client.cookies.set(CSRF_COOKIE, csrf_cookie)
    headers = {CSRF_HEADER: csrf} if row.method in UNSAFE else {}
    try:
        if row.kind == "api":
            headers["Accept"] = "application/json"
            if token:
                headers["Authorization"] = f"Bearer {token}"
            return await client.request(
                row.method, path, params=query, json=body, headers=headers, follow_redirects=False
            )
        # A browser: the session cookie, and the CSRF token in forms.
        if token:
            client.cookies.set(SESSION_COOKIE, token)
        headers["Accept"] = "text/html"
        form = {"_csrf_token": csrf, **(body or {})} if row.method in UNSAFE else None
        return await client.request(row.method, path, params=query, data=form, headers=headers, follow_redirects=False)
    finally:
        client.cookies.clear()


def observed(answer: httpx.Response) -> str:
    status = answer.status_code
    if 300 <= status < 400 and answer.headers.get("location", "").startswith("/login"):
        return "login"
    return "2xx" if 200 <= status < 300 else str(status)


def matches(expected: str, seen: str) -> bool:
    if expected == "any":  # answered without regard to who asks: never a refusal
        return seen not in {"401", "403", "404", "login"}
    return seen == expected


async def test_every_role_gets_the_expected_answer_on_every_route(
    client: Client, fake: FakeGoogle, engine: AsyncEngine, redis: Redis
) -> None:
    world = await build_world(client, fake, engine, redis)
    wrong = []
    for row in MATRIX:
        for role in ROLES:
            expected = row.expected(role)
            if expected == "sse":
                continue
            answer = await request(world, row, role)
            if not matches(expected, observed(answer)):
                wrong.append(
                    f"{row.route} as {role}: expected {expected}, got {answer.status_code} {answer.text[:160]!r}"
                )
    assert not wrong, f"{len(wrong)} cells differ from tests/e2e/authorization_matrix.py:\n" + "\n".join(wrong)


# API tokens: the matrix's `token` column, against the routes' declarations and then cell by cell.


def declared_token_access(app: Litestar) -> dict[str, str]:
    """`METHOD /path` -> what the route declares for API tokens, in the matrix's words."""
    public = re.compile("|".join(PUBLIC_PATHS))
    declared = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path = re.sub(r"\{(\w+):[^}]+\}", r"{\1}", route.path)
        for method, (handler, _) in route.route_handler_map.items():
            if method in NOT_ROUTES:
                continue
            access = access_of(handler)
            if public.match(route.path) or handler.opt.get("exclude_from_auth"):
                declared[f"{method} {path}"] = "public"
            elif isinstance(access, TokenScope):
                declared[f"{method} {path}"] = access.value
            else:
                declared[f"{method} {path}"] = "any" if access == ANY_TOKEN else "session"
    return declared


def test_every_api_route_declares_what_a_token_needs_as_the_matrix_says(app: Litestar) -> None:
    declared = declared_token_access(app)
    differ = [
        f"{row.route}: the matrix says {row.token!r}, the route declares {declared[row.route]!r}"
        for row in MATRIX
        if row.kind == "api" and declared.get(row.route) != row.token
    ]
    assert not differ, "\n".join(differ)


def test_every_operation_of_the_schema_describes_what_a_token_needs(app: Litestar) -> None:
    schema = app.openapi_schema.to_schema()
    declared = declared_token_access(app)
    undescribed = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if declared[f"{method.upper()} {path}"] != "public" and "API token" not in operation.get("description", "")
    ]
    assert not undescribed, undescribed
    assert schema["paths"]["/api/events"]["get"]["security"] == [{"BearerToken": ["events:read"]}]


def _caller_for(row: Row) -> str:
    """The role whose session gets the row's most telling answer: a success if anyone gets one."""
    signed_in = [role for role in ROLES if role != "anonymous" and row.expected(role) != "401"]
    if row.token == "admin":
        return "admin"
    for wanted in ("2xx", "any"):
        for role in signed_in:
            if row.expected(role) == wanted:
                return role
    return signed_in[0]


class Tokens:
    """Personal API tokens of the world's people, made on first use, one per set of scopes."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.made: dict[tuple[str, frozenset[str]], str] = {}

    async def of(self, role: str, scopes: frozenset[str]) -> str:
        key = (role, scopes)
        if key not in self.made:
            made = await self.world.people[role].post(
                "/api/tokens", json={"name": f"scopes {len(self.made)}", "scopes": sorted(scopes)}
            )
            assert made.status_code == 201, made.text
            self.made[key] = made.json()["token"]
        return self.made[key]


def _all_scopes(role: str) -> frozenset[str]:
    return frozenset(scope.value for scope in TokenScope if role == "admin" or scope is not TokenScope.ADMIN)


async def test_a_token_lacking_the_routes_scope_is_refused_and_one_holding_it_gets_the_owners_answer(
    client: Client, fake: FakeGoogle, engine: AsyncEngine, redis: Redis
) -> None:
    world = await build_world(client, fake, engine, redis)
    tokens = Tokens(world)
    wrong = []
    for row in MATRIX:
        if row.kind != "api" or row.token == "public":
            continue
        role = _caller_for(row)
        expected = row.expected(role)
        if row.token == "session":
            answer = await request(world, row, role, await tokens.of(role, _all_scopes(role)))
            if answer.status_code != 403 or "not_for_api_tokens" not in answer.text:
                wrong.append(f"{row.route} with any token of {role}: expected 403, got {answer.status_code}")
            continue
        if row.token == "any":
            answer = await request(world, row, role, await tokens.of(role, frozenset({TokenScope.ROOMS_READ.value})))
            if not matches(expected, observed(answer)):
                wrong.append(
                    f"{row.route} with a rooms:read token of {role}: expected {expected}, got {answer.status_code}"
                )
            continue
        lacking = await tokens.of(role, _all_scopes(role) - {row.token})
        answer = await request(world, row, role, lacking)
        if answer.status_code != 403 or answer.json().get("missing_scope") != row.token:
            wrong.append(
                f"{row.route} without {row.token}: expected 403 naming it, got {answer.status_code} {answer.text[:80]}"
            )
        if expected == "sse":
            continue  # an endless stream once authorized (tests/e2e/test_notification_stream.py)
        answer = await request(world, row, role, await tokens.of(role, frozenset({row.token})))
        if not matches(expected, observed(answer)):
            wrong.append(
                f"{row.route} with only {row.token} as {role}: expected {expected}, "
                f"got {answer.status_code} {answer.text[:99]!r}"
            )
    assert not wrong, f"{len(wrong)} routes answer tokens otherwise than the matrix's token column:\n" + "\n".join(
        wrong
    )
