"""The scheduling contract over HTTP: accounts, calendars, rooms, events, RSVP, errors."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

import jwt
import pytest
from litestar import Litestar
from litestar.security.jwt import JWTCookieAuth
from litestar.testing import AsyncTestClient
from litestar.types import Message
from structlog.testing import capture_logs

from entrypoints.http.dependencies import container_of
from tests.e2e.people import PASSWORD, Person, at, sign_up, window

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def admin(client: Client) -> Person:
    return await sign_up(client, "admin")  # the first person to sign up administers planner


@pytest.fixture
async def room(admin: Person) -> dict[str, Any]:
    created = await admin.post("/api/rooms", {"name": "Everest", "capacity": 8, "location": "3rd floor"})
    assert created.status_code == 201, created.text
    return dict(created.json())


def meeting(**overrides: Any) -> dict[str, Any]:
    return {"title": "Planning", "starts_at": at(10), "ends_at": at(11), "timezone": "Europe/Berlin", **overrides}


async def test_sign_in_returns_a_bearer_token_that_works(client: Client) -> None:
    person = await sign_up(client)
    login = await client.post("/api/auth/login", json={"email": person.email, "password": PASSWORD})
    body = login.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    assert "set-cookie" not in login.headers, "the web /login form sets the session cookie, the API does not"
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == person.email
    assert (await client.get("/api/me")).status_code == 401


async def test_sign_out_clears_the_cookie(client: Client) -> None:
    logout = await client.post("/api/auth/logout")
    assert logout.status_code == 204
    assert 'planner_token=""' in logout.headers["set-cookie"] or "max-age=0" in logout.headers["set-cookie"].lower()


async def test_wrong_password_and_duplicate_email_are_refused(client: Client) -> None:
    person = await sign_up(client)
    wrong = await client.post("/api/auth/login", json={"email": person.email, "password": "not the password"})
    assert wrong.status_code == 401
    assert wrong.headers["content-type"].startswith("application/problem+json")
    again = await client.post("/api/auth/register", json={"email": person.email, "password": PASSWORD, "name": "X"})
    assert again.status_code == 409


async def test_a_forged_token_is_refused(client: Client) -> None:
    response = await client.get("/api/me", headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401


async def test_a_token_signed_with_another_secret_is_refused_even_after_the_real_one_was_used(
    client: Client, app: Litestar
) -> None:
    person = await sign_up(client)
    assert (await person.get("/api/me")).status_code == 200  # the genuine token is verified and remembered now
    header, payload, _ = person.token.split(".")
    genuine: JWTCookieAuth[Any, Any] = container_of(app).auth
    impostor = dataclasses.replace(genuine, token_secret="another secret that is long enough for HS256")
    _, _, foreign_signature = impostor.create_token(identifier=person.id).split(".")
    for forged in (f"{header}.{payload}.{foreign_signature}", f"{header}.{payload}.", f"{person.token}x"):
        response = await client.get("/api/me", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401, forged


async def test_a_token_stops_working_when_it_expires_though_it_worked_before(client: Client, app: Litestar) -> None:
    person = await sign_up(client)
    auth: JWTCookieAuth[Any, Any] = container_of(app).auth
    session = {"sid": jwt.decode(person.token, options={"verify_signature": False})["extras"]["sid"]}
    # 3 s: the token's expiry is in whole seconds, so it lives 2-3 s, time for three requests on a loaded machine
    # (with 1 s it could expire within a few hundred ms, before the third request through PgBouncer answered).
    short_lived = auth.create_token(identifier=person.id, token_expiration=timedelta(seconds=3), token_extras=session)
    headers = {"Authorization": f"Bearer {short_lived}"}
    for _ in range(3):
        assert (await client.get("/api/me", headers=headers)).status_code == 200
    await asyncio.sleep(3.1)
    assert (await client.get("/api/me", headers=headers)).status_code == 401


async def test_first_user_is_admin_and_only_admins_manage_rooms(admin: Person, client: Client) -> None:
    other = await sign_up(client)
    assert (await admin.get("/api/me")).json()["is_admin"] is True
    assert (await other.get("/api/me")).json()["is_admin"] is False
    refused = await other.post("/api/rooms", {"name": "Sneaky", "capacity": 2})
    assert refused.status_code == 403
    promoted = await admin.post("/api/admin/promotions", {"email": other.email})
    assert promoted.status_code == 201
    assert (await other.post("/api/rooms", {"name": "Allowed now", "capacity": 2})).status_code == 201


async def test_every_user_gets_a_personal_calendar_and_can_share_calendars(client: Client) -> None:
    alice, bob = await sign_up(client, "alice"), await sign_up(client, "bob")
    calendars = (await alice.get("/api/calendars")).json()["items"]
    assert [c["is_personal"] for c in calendars] == [True]
    team = (await alice.post("/api/calendars", {"name": "Team"})).json()
    assert (await bob.get(f"/api/calendars/{team['id']}")).status_code == 404
    shared = await alice.post(f"/api/calendars/{team['id']}/members", {"email": bob.email, "role": "viewer"})
    assert shared.status_code == 201
    assert (await bob.get(f"/api/calendars/{team['id']}")).status_code == 200
    refused = await bob.post("/api/events", meeting(calendar_id=team["id"]))
    assert refused.status_code == 403, "viewers cannot write"
    unshared = await alice.delete(f"/api/calendars/{team['id']}/members/{bob.id}")
    assert unshared.status_code == 204
    assert (await bob.get(f"/api/calendars/{team['id']}")).status_code == 404


async def test_sharing_with_a_role_that_does_not_exist_is_a_4xx_naming_the_role(client: Client) -> None:
    alice, bob = await sign_up(client, "alice"), await sign_up(client, "bob")
    team = (await alice.post("/api/calendars", {"name": "Team"})).json()
    refused = await alice.post(f"/api/calendars/{team['id']}/members", {"email": bob.email, "role": "emperor"})
    assert 400 <= refused.status_code < 500, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "role" in refused.text
    assert (await bob.get(f"/api/calendars/{team['id']}")).status_code == 404


async def test_an_organizer_removed_from_the_calendar_can_no_longer_edit_their_event(client: Client) -> None:
    owner, organizer = await sign_up(client, "owner"), await sign_up(client, "organizer")
    team = (await owner.post("/api/calendars", {"name": "Team"})).json()
    await owner.post(f"/api/calendars/{team['id']}/members", {"email": organizer.email, "role": "editor"})
    created = await organizer.post("/api/events", meeting(calendar_id=team["id"], participants=[organizer.email]))
    assert created.status_code == 201, created.text
    event = created.json()
    assert (await owner.delete(f"/api/calendars/{team['id']}/members/{organizer.id}")).status_code == 204
    assert (await organizer.get(f"/api/events/{event['id']}")).status_code == 200, "still a participant"
    renamed = await organizer.patch(f"/api/events/{event['id']}", {"title": "Mine now"})
    assert renamed.status_code == 403, renamed.text
    assert (await organizer.delete(f"/api/events/{event['id']}")).status_code == 403
    assert (await owner.get(f"/api/events/{event['id']}")).json()["title"] == "Planning"


async def test_an_event_answers_its_fields_participants_and_an_etag(client: Client, room: dict[str, Any]) -> None:
    alice, bob = await sign_up(client, "alice"), await sign_up(client, "bob")
    created = await alice.post("/api/events", meeting(room_id=room["id"], participants=[bob.email], reminders=[10, 60]))
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["organizer_id"] == alice.id
    assert event["status"] == "confirmed"
    assert event["version"] == 1
    assert event["starts_at"].endswith("Z")
    assert event["reminders"] == [10, 60]
    assert [(p["email"], p["status"]) for p in event["participants"]] == [(bob.email, "needs_action")]
    fetched = await alice.get(f"/api/events/{event['id']}")
    assert fetched.headers["etag"] == '"v1"'


async def test_overlapping_booking_of_a_room_is_409_naming_the_slot(client: Client, room: dict[str, Any]) -> None:
    alice = await sign_up(client)
    first = await alice.post("/api/events", meeting(room_id=room["id"]))
    overlap = await alice.post("/api/events", meeting(room_id=room["id"], starts_at=at(10, 30), ends_at=at(11, 30)))
    assert overlap.status_code == 409
    problem = overlap.json()
    assert problem["room_id"] == room["id"]
    assert problem["conflicting_slot"]["starts_at"][:16] == first.json()["starts_at"][:16]
    assert problem["conflicting_event_id"] == first.json()["id"]
    adjacent = await alice.post("/api/events", meeting(room_id=room["id"], starts_at=at(11), ends_at=at(12)))
    assert adjacent.status_code == 201


async def test_a_cancelled_event_frees_its_room(client: Client, room: dict[str, Any]) -> None:
    alice = await sign_up(client)
    first = (await alice.post("/api/events", meeting(room_id=room["id"]))).json()
    assert (await alice.delete(f"/api/events/{first['id']}")).status_code == 204
    assert (await alice.get(f"/api/events/{first['id']}")).json()["status"] == "cancelled"
    assert (await alice.post("/api/events", meeting(room_id=room["id"]))).status_code == 201


async def test_stale_if_match_is_412_and_changes_nothing(client: Client) -> None:
    alice = await sign_up(client)
    event = (await alice.post("/api/events", meeting())).json()
    stale = await alice.patch(f"/api/events/{event['id']}", {"title": "Stale"}, headers={"If-Match": '"v0"'})
    assert stale.status_code == 412
    foreign = await alice.patch(f"/api/events/{event['id']}", {"title": "Foreign"}, headers={"If-Match": '"x"'})
    assert foreign.status_code == 412
    assert (await alice.delete(f"/api/events/{event['id']}", headers={"If-Match": '"v7"'})).status_code == 412
    current = await alice.get(f"/api/events/{event['id']}")
    assert current.json()["title"] == "Planning"
    assert current.json()["status"] == "confirmed"
    updated = await alice.patch(
        f"/api/events/{event['id']}", {"title": "v2"}, headers={"If-Match": current.headers["etag"]}
    )
    assert updated.status_code == 200
    assert updated.headers["etag"] == '"v2"'


async def test_someone_elses_event_is_invisible(client: Client) -> None:
    alice, bob, carol = await sign_up(client), await sign_up(client), await sign_up(client)
    event = (await alice.post("/api/events", meeting(participants=[bob.email]))).json()
    path = f"/api/events/{event['id']}"
    assert (await carol.get(path)).status_code == 404
    assert (await carol.patch(path, {"title": "hijacked"})).status_code == 404
    assert (await carol.delete(path)).status_code == 404
    assert (await carol.post(f"{path}/response", {"status": "accepted"})).status_code == 404
    listed = await carol.get("/api/events", params=window())
    assert event["id"] not in [e["id"] for e in listed.json()["items"]]
    assert event["id"] in [e["id"] for e in (await bob.get("/api/events", params=window())).json()["items"]]
    assert (await alice.get(path)).json()["title"] == "Planning"


async def test_window_lists_overlapping_events_sorted_by_start(client: Client) -> None:
    alice = await sign_up(client)
    late = (await alice.post("/api/events", meeting(title="Late", starts_at=at(15), ends_at=at(16)))).json()
    early = (await alice.post("/api/events", meeting(title="Early", starts_at=at(8), ends_at=at(9)))).json()
    await alice.post("/api/events", meeting(title="Next day", starts_at=at(34), ends_at=at(35)))
    listed = (await alice.get("/api/events", params=window(8, 16))).json()["items"]
    assert [e["id"] for e in listed] == [early["id"], late["id"]]


async def test_rsvp_is_recorded_and_visible_to_the_organizer(client: Client) -> None:
    alice, bob = await sign_up(client), await sign_up(client)
    event = (await alice.post("/api/events", meeting(participants=[bob.email]))).json()
    answered = await bob.post(f"/api/events/{event['id']}/response", {"status": "tentative"})
    assert answered.status_code == 200
    statuses = {p["email"]: p["status"] for p in (await alice.get(f"/api/events/{event['id']}")).json()["participants"]}
    assert statuses == {bob.email: "tentative"}
    invalid = await bob.post(f"/api/events/{event['id']}/response", {"status": "maybe-later"})
    assert invalid.status_code == 422


async def test_participants_can_be_added_and_removed(client: Client) -> None:
    alice, bob, carol = await sign_up(client), await sign_up(client), await sign_up(client)
    event = (await alice.post("/api/events", meeting())).json()
    added = await alice.post(f"/api/events/{event['id']}/participants", {"email": carol.email})
    assert added.status_code == 201
    assert (await carol.get(f"/api/events/{event['id']}")).status_code == 200
    removed = await alice.delete(f"/api/events/{event['id']}/participants/{carol.id}")
    assert removed.status_code == 204
    assert (await carol.get(f"/api/events/{event['id']}")).status_code == 404
    assert (
        await alice.post(f"/api/events/{event['id']}/participants", {"email": "ghost@nowhere.invalid"})
    ).status_code == 422
    assert bob.id not in [p["user_id"] for p in (await alice.get(f"/api/events/{event['id']}")).json()["participants"]]


async def test_room_availability_and_free_rooms(client: Client, admin: Person, room: dict[str, Any]) -> None:
    small = (await admin.post("/api/rooms", {"name": "Booth", "capacity": 2})).json()
    await admin.post("/api/events", meeting(room_id=room["id"]))
    availability = await admin.get(f"/api/rooms/{room['id']}/availability", params=window(9, 12))
    assert availability.status_code == 200
    body = availability.json()
    assert len(body["bookings"]) == 1
    assert len(body["free"]) == 2
    free = (await admin.get("/api/rooms/available", params={**window(10, 11), "capacity": 1})).json()["items"]
    assert [r["id"] for r in free] == [small["id"]]
    big_enough = (await admin.get("/api/rooms/available", params={**window(12, 13), "capacity": 5})).json()["items"]
    assert [r["id"] for r in big_enough] == [room["id"]]


@pytest.mark.parametrize(
    ("what", "body", "field"),
    [
        ("end before start", {"starts_at": at(15), "ends_at": at(14)}, "ends_at"),
        ("bad time zone", {"timezone": "Mars/Olympus"}, "timezone"),
        ("unknown room", {"room_id": "00000000-0000-0000-0000-000000000000"}, "room_id"),
        ("unknown participant", {"participants": ["nobody@nowhere.invalid"]}, "participants"),
        ("oversize title", {"title": "x" * 100_000}, "title"),
        ("naive datetime", {"starts_at": "2026-12-01T10:00:00"}, "starts_at"),
        ("negative reminder", {"reminders": [-5]}, "reminders"),
        ("unknown field", {"colour": "red"}, "colour"),
    ],
)
async def test_bad_event_input_is_a_4xx_problem_naming_the_field(
    client: Client, what: str, body: dict[str, Any], field: str
) -> None:
    alice = await sign_up(client)
    response = await alice.post("/api/events", meeting(**body))
    assert 400 <= response.status_code < 500, (what, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.text, (what, response.text)
    assert (await alice.get("/api/events", params=window())).json()["items"] == [], "a refused write left no trace"


async def test_missing_title_malformed_json_and_missing_bounds_are_4xx(client: Client) -> None:
    alice = await sign_up(client)
    missing = meeting()
    del missing["title"]
    assert (await alice.post("/api/events", missing)).status_code == 422
    malformed = await alice.client.post(
        "/api/events", content=b"{not json", headers={**alice.auth, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.headers["content-type"].startswith("application/problem+json")
    assert (await alice.get("/api/events")).status_code in (400, 422)
    too_wide = await alice.get("/api/events", params={"start": at(0), "end": at(0, offset_days=400)})
    assert too_wide.status_code == 422
    assert (await client.get("/api/events", params=window())).status_code == 401


async def test_openapi_documents_every_route_with_an_operation_id(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operations = [op for path in schema["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert len(operations) >= 25
    assert all(op.get("operationId") for op in operations)
    assert all(op.get("tags") for op in operations)
    assert "/api/events/{event_id}" in schema["paths"]


async def test_concurrent_first_sign_ups_make_exactly_one_administrator(client: Client) -> None:
    import asyncio

    people = await asyncio.gather(*(sign_up(client, f"early{i}") for i in range(5)))
    admins = [(await person.get("/api/me")).json()["is_admin"] for person in people]
    assert admins.count(True) == 1


async def test_a_client_that_hangs_up_before_its_body_is_read_is_logged_as_gone_not_as_a_server_error(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    ada = await sign_up(client, "ada")
    sent: list[Message] = []

    async def hung_up() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/events",
        "raw_path": b"/api/events",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {ada.token}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", b"120"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    with capture_logs() as logs:
        # On the loop the test client runs the app on (its database connections belong to that loop).
        await asyncio.to_thread(client.blocking_portal.call, app, scope, hung_up, send)

    events = [line["event"] for line in logs]
    assert "request.failed" not in events
    assert "request.client_gone" in events
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [499]
