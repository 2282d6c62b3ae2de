"""Without Google settings: sign-in is still checked first, then the Google routes say what to configure (503)."""

from __future__ import annotations

from uuid import uuid4

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.authorization_matrix import MATRIX
from tests.e2e.people import sign_up

GOOGLE_ROUTES = [
    row
    for row in MATRIX
    if row.path.startswith(("/api/google/", "/webhook/")) and row.path != "/webhook/google-calendar"
]

# What a signed-in person gets on their own things when Google is not configured.
SIGNED_IN = {
    "GET /api/google/connect": 503,
    "GET /api/google/callback": 503,
    "DELETE /api/google/connection": 503,
    "GET /api/google/write-back": 503,
    "PUT /api/google/write-back": 503,
    "POST /webhook/setup/{user_id}": 503,
    "GET /webhook/status/{user_id}": 200,
    "GET /webhook/task-status/{task_id}": 404,
    "DELETE /webhook/unsubscribe/{channel_id}": 404,
}


def filled(path: str, user_id: str) -> str:
    return (
        path.replace("{user_id}", user_id)
        .replace("{task_id}", f"google-job:{uuid4()}")
        .replace("{channel_id}", "no-such-channel")
    )


async def test_google_routes_refuse_anonymous_callers_before_saying_google_is_not_configured(
    client: AsyncTestClient[Litestar],
) -> None:
    assert {row.route for row in GOOGLE_ROUTES} == set(SIGNED_IN)
    answers = {
        row.route: (await client.request(row.method, filled(row.path, str(uuid4())))).status_code
        for row in GOOGLE_ROUTES
    }
    assert answers == dict.fromkeys(SIGNED_IN, 401)


async def test_google_routes_answer_503_with_what_to_configure_when_google_is_not_set_up(
    client: AsyncTestClient[Litestar],
) -> None:
    ada = await sign_up(client, "ada")
    answers = {}
    for row in GOOGLE_ROUTES:
        answer = await client.request(row.method, filled(row.path, ada.id), headers=ada.auth)
        answers[row.route] = answer.status_code
        if answer.status_code == 503:
            problem = answer.json()
            assert problem["type"] == "urn:planner:problem:google_not_configured", problem
            assert "GOOGLE_CLIENT_ID" in problem["detail"], problem
    assert answers == SIGNED_IN
