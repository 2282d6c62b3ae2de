"""The live stream: frames as the contract says, replay after reconnect, fan-out over processes."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import jwt
import pytest
from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.testing import AsyncTestClient
from structlog.testing import capture_logs

from domain.notifications.notification import NotificationDraft, NotificationType
from entrypoints.app import create_app
from entrypoints.bootstrap import bootstrap
from entrypoints.http.dependencies import container_of
from entrypoints.http.sse import notification_events
from entrypoints.settings import Settings
from tests.e2e.people import at, sign_up
from tests.e2e.sse_client import open_stream
from tests.support.live_server import live_server
from tests.support.waiting import wait_for

_counter = iter(range(1, 1_000_000))


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[str]:
    """A second instance of the app on a real socket (the `client` fixture serves the first)."""
    app = create_app(container=bootstrap(settings, sse_keepalive_s=0.5), configure_logs=False)
    async with live_server(app) as base:
        yield base


@pytest.fixture
async def notify(settings: Settings) -> AsyncIterator[Any]:
    """Store a notification for a user and publish it, as the worker does."""
    container = bootstrap(settings)
    publisher = container.publisher

    async def notify(user_id: str, title: str = "Invitation: Planning") -> int:
        uow = container.unit_of_work()
        async with uow:
            stored = await uow.notifications.add(
                NotificationDraft(
                    user_id=UUID(user_id),
                    type=NotificationType.EVENT_INVITED,
                    title=title,
                    message=f"{title} message",
                    event_id=None,
                    dedupe_key=f"test:{next(_counter)}",
                )
            )
            unread = await uow.notifications.unread_count(UUID(user_id))
            await uow.commit()
        assert stored is not None
        await publisher.notification_created(stored, unread)
        return stored.seq

    yield notify
    await container.close()


async def test_a_new_notification_reaches_the_open_stream_as_the_contract_says(
    client: AsyncTestClient[Litestar], live: str, notify: Any
) -> None:
    bob = await sign_up(client, "bob")
    async with open_stream(live, bob.token) as stream:
        assert stream.status == 200
        assert (await stream.next("unread_count"))["json"] == {"type": "unread_count", "data": {"count": 0}}
        seq = await notify(bob.id)
        frame = await stream.next("notification", timeout=3)
        assert frame["id"] == str(seq)
        body = frame["json"]
        assert body["type"] == "notification"
        assert set(body["data"]["notification"]) == {
            "id",
            "type",
            "title",
            "message",
            "event_id",
            "is_read",
            "created_at",
        }
        assert body["data"]["notification"]["title"] == "Invitation: Planning"
        assert (await stream.next("unread_count"))["json"]["data"]["count"] == 1


async def test_reconnecting_with_last_event_id_replays_exactly_what_was_missed_in_order(
    client: AsyncTestClient[Litestar], live: str, notify: Any
) -> None:
    bob = await sign_up(client, "bob")
    first = await notify(bob.id, "one")
    missed = [await notify(bob.id, title) for title in ("two", "three", "four")]
    async with open_stream(live, bob.token, last_event_id=str(first)) as stream:
        replayed = [await stream.next("notification") for _ in range(3)]
        assert [int(f["id"]) for f in replayed] == missed
        assert [f["json"]["data"]["notification"]["title"] for f in replayed] == ["two", "three", "four"]
        live_seq = await notify(bob.id, "five")
        assert int((await stream.next("notification"))["id"]) == live_seq
        assert await stream.nothing_more("notification", within=0.5), "no duplicate at the seam"


async def test_streams_opened_at_the_same_instant_on_a_fresh_process_each_get_their_frames(
    client: AsyncTestClient[Litestar], live: str, notify: Any
) -> None:
    # A deploy makes every browser reconnect at once to a process that has no subscription yet.
    people = [await sign_up(client, f"p{n}") for n in range(8)]
    async with contextlib.AsyncExitStack() as stack:
        streams = await asyncio.gather(
            *(stack.enter_async_context(open_stream(live, person.token)) for person in people)
        )
        for stream in streams:
            await stream.next("unread_count")  # the stream is live once its first frame came
        for person, stream in zip(people, streams, strict=True):
            seq = await notify(person.id, f"for {person.email}")
            frame = await stream.next("notification")
            assert int(frame["id"]) == seq


async def test_a_malformed_last_event_id_gives_a_live_stream_from_now(
    client: AsyncTestClient[Litestar], live: str, notify: Any
) -> None:
    bob = await sign_up(client, "bob")
    await notify(bob.id, "old")
    async with open_stream(live, bob.token, last_event_id="not-a-number") as stream:
        assert stream.status == 200
        assert await stream.nothing_more("notification", within=0.5)
        await notify(bob.id, "new")
        assert (await stream.next("notification"))["json"]["data"]["notification"]["title"] == "new"


async def test_keepalive_comments_flow_while_nothing_happens(client: AsyncTestClient[Litestar], live: str) -> None:
    bob = await sign_up(client, "bob")
    async with open_stream(live, bob.token) as stream:
        await wait_for(lambda: _has_comment(stream.comments), timeout=5, what="a keepalive comment")


async def _has_comment(comments: list[str]) -> bool:
    return "keepalive" in comments


async def test_a_bad_or_missing_token_gets_401_and_no_stream(live: str) -> None:
    async with open_stream(live, None) as anonymous:
        assert anonymous.status == 401
    async with open_stream(live, "forged.token.value") as forged:
        assert forged.status == 401


async def test_the_cookie_opens_the_stream_like_a_browser(client: AsyncTestClient[Litestar], live: str) -> None:
    bob = await sign_up(client, "bob")
    async with open_stream(live, None, cookies={"planner_token": bob.token}) as stream:
        assert stream.status == 200


async def test_an_invite_made_through_one_web_process_reaches_a_stream_on_another(
    client: AsyncTestClient[Litestar], live: str, worker: None
) -> None:
    alice, bob = await sign_up(client, "alice"), await sign_up(client, "bob")
    async with open_stream(live, bob.token) as stream:  # `live` is a second app instance of its own
        await stream.next("unread_count")
        created = await alice.post(
            "/api/events", {"title": "Across", "starts_at": at(9), "ends_at": at(10), "participants": [bob.email]}
        )
        assert created.status_code == 201
        frame = await stream.next("notification", timeout=10)
        notification = frame["json"]["data"]["notification"]
        assert notification["type"] == "event_invited"
        assert notification["event_id"] == created.json()["id"]


async def test_admins_see_open_connections_and_a_closed_tab_frees_its_subscription(
    client: AsyncTestClient[Litestar], live: str
) -> None:
    admin, bob = await sign_up(client, "admin"), await sign_up(client, "bob")

    async def connections() -> dict[str, Any]:
        response = await admin.get("/api/admin/connections")
        assert response.status_code == 200
        return dict(response.json())

    assert (await bob.get("/api/admin/connections")).status_code == 403
    async with open_stream(live, bob.token) as s1, open_stream(live, bob.token) as s2:
        await s1.next("unread_count")
        await s2.next("unread_count")
        now = await connections()
        assert now["per_user"] == {bob.id: 2}
        assert now["active_users"] == 1
    await wait_for(lambda: _no_connections(connections), timeout=5, what="closed streams to be released")


async def _no_connections(connections: Any) -> bool:
    return (await connections())["connections"] == 0


async def test_marking_read_updates_the_count_and_others_notifications_are_invisible(
    client: AsyncTestClient[Litestar], live: str, notify: Any
) -> None:
    bob, carol = await sign_up(client, "bob"), await sign_up(client, "carol")
    await notify(bob.id, "first")
    await notify(bob.id, "second")
    listed = (await bob.get("/api/notifications")).json()
    assert [n["title"] for n in listed["items"]] == ["second", "first"]
    assert (await bob.get("/api/notifications/unread-count")).json() == {"count": 2}
    first_id = listed["items"][1]["id"]
    assert (await carol.post(f"/api/notifications/{first_id}/read")).status_code == 404
    assert (await bob.post("/api/notifications/00000000-0000-0000-0000-000000000000/read")).status_code == 404
    async with open_stream(live, bob.token) as stream:
        await stream.next("unread_count")
        read = await bob.post(f"/api/notifications/{first_id}/read")
        assert read.status_code == 200
        assert read.json()["is_read"] is True
        assert (await stream.next("unread_count"))["json"]["data"]["count"] == 1
        assert (await bob.get("/api/notifications", params={"unread": "true"})).json()["items"][0]["title"] == "second"
        assert (await bob.post("/api/notifications/read-all")).json() == {"updated": 1}
        assert (await stream.next("unread_count"))["json"]["data"]["count"] == 0


async def test_the_list_pages_with_a_cursor(client: AsyncTestClient[Litestar], notify: Any) -> None:
    bob = await sign_up(client, "bob")
    for i in range(5):
        await notify(bob.id, f"n{i}")
    page = (await bob.get("/api/notifications", params={"limit": 2})).json()
    assert [n["title"] for n in page["items"]] == ["n4", "n3"]
    rest = (await bob.get("/api/notifications", params={"limit": 10, "cursor": page["next_cursor"]})).json()
    assert [n["title"] for n in rest["items"]] == ["n2", "n1", "n0"]
    assert rest["next_cursor"] is None


async def test_the_queue_monitor_is_for_admins_only(client: AsyncTestClient[Litestar]) -> None:
    admin, bob = await sign_up(client, "admin"), await sign_up(client, "bob")
    assert (await bob.get("/saq/api/queues")).status_code == 403
    assert (await client.get("/saq/api/queues")).status_code == 401
    queues = await admin.get("/saq/api/queues")
    assert queues.status_code == 200
    assert [q["name"] for q in queues.json()["queues"]] == ["planner"]
    assert (await admin.get("/saq")).status_code == 200


async def test_past_the_streams_a_person_may_hold_the_oldest_is_closed_with_a_retry_hint(
    client: AsyncTestClient[Litestar], settings: Settings
) -> None:
    limits = dataclasses.replace(settings.rate_limits, sse_streams_per_person=2)
    app = create_app(dataclasses.replace(settings, rate_limits=limits), configure_logs=False)
    bob = await sign_up(client, "bob")
    async with live_server(app) as base, contextlib.AsyncExitStack() as stack:
        streams = []
        for _ in range(3):
            stream = await stack.enter_async_context(open_stream(base, bob.token))
            await stream.next("unread_count")
            streams.append(stream)
        await wait_for(
            lambda: _has_comment_starting(streams[0].comments, "closed for a newer stream"),
            timeout=5,
            what="the oldest stream to be closed",
        )
        assert not any("closed" in comment for stream in streams[1:] for comment in stream.comments)


async def test_a_stream_ends_when_its_token_expires(client: AsyncTestClient[Litestar], settings: Settings) -> None:
    app = create_app(container=bootstrap(settings, sse_keepalive_s=0.5), configure_logs=False)
    bob = await sign_up(client, "bob")
    session = {"sid": jwt.decode(bob.token, options={"verify_signature": False})["extras"]["sid"]}
    short = container_of(app).auth.create_token(
        identifier=bob.id, token_expiration=timedelta(seconds=2), token_extras=session
    )
    async with live_server(app) as base, open_stream(base, short) as stream:
        assert stream.status == 200
        await wait_for(
            lambda: _has_comment_starting(stream.comments, "the session expired"),
            timeout=8,
            what="the stream to end with its token",
        )


async def test_a_stream_ends_when_its_person_signs_out_everywhere(
    client: AsyncTestClient[Litestar], settings: Settings
) -> None:
    checked_every_time = dataclasses.replace(settings, session_check_ttl_seconds=0)
    app = create_app(container=bootstrap(checked_every_time, sse_keepalive_s=0.5), configure_logs=False)
    bob = await sign_up(client, "bob")
    async with live_server(app) as base, open_stream(base, bob.token) as stream:
        assert stream.status == 200
        await stream.next("unread_count")
        assert (await bob.post("/api/auth/logout-all")).status_code == 204
        await wait_for(
            lambda: _has_comment_starting(stream.comments, "the session ended"),
            timeout=8,
            what="the stream to end with its session",
        )


async def test_a_reader_too_far_behind_is_disconnected_not_buffered_without_end(
    client: AsyncTestClient[Litestar], settings: Settings, notify: Any
) -> None:
    app = create_app(settings, configure_logs=False)
    bob = await sign_up(client, "bob")
    async with live_server(app):
        channels = app.plugins.get(ChannelsPlugin)

        async def missed(user_id: UUID, after_seq: int, limit: int) -> list[Any]:
            return []

        async def latest(user_id: UUID) -> tuple[int, int]:
            return 0, 0

        frames = notification_events(
            user_id=UUID(bob.id),
            last_event_id=None,
            channels=channels,
            registry=container_of(app).connection_registry,
            missed=missed,
            latest=latest,
            inbox_size=3,
        )
        assert (await anext(frames)).event == "unread_count"
        with capture_logs() as logs:
            for n in range(6):  # published while the reader reads nothing
                await notify(bob.id, f"n{n}")

            async def gave_up() -> bool:
                return any(entry["event"] == "sse.closing" for entry in logs)

            await wait_for(gave_up, timeout=5, what="the stream to give up on its reader")
        async with asyncio.timeout(5):
            seen = [frame async for frame in frames]
        assert len([f for f in seen if f.event == "notification"]) <= 3
        assert seen[-1].retry is not None
        assert seen[-1].comment is not None
        assert "behind" in seen[-1].comment


async def _has_comment_starting(comments: list[str], text: str) -> bool:
    return any(comment.startswith(text) for comment in comments)


async def test_a_stream_opened_with_an_api_token_ends_when_the_token_is_revoked(
    client: AsyncTestClient[Litestar], settings: Settings
) -> None:
    app = create_app(container=bootstrap(settings, sse_keepalive_s=0.5), configure_logs=False)
    bob = await sign_up(client, "bob")
    made = await bob.post("/api/tokens", json={"name": "desktop notifier", "scopes": ["notifications:read"]})
    async with live_server(app) as base, open_stream(base, made.json()["token"]) as stream:
        assert stream.status == 200
        await stream.next("unread_count")
        assert (await bob.delete(f"/api/tokens/{made.json()['id']}")).status_code == 204
        await wait_for(
            lambda: _has_comment_starting(stream.comments, "the session ended"),
            timeout=8,
            what="the stream to end with its token",
        )
