"""The week view through the Redis cache: identical answers, never stale after a write, failing open."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from structlog.testing import capture_logs

from adapters.embedded.redis import EmbeddedRedis
from adapters.redis.cache import default_cache_url
from application.cache import CalendarReads
from entrypoints.app import create_app
from entrypoints.http.dependencies import container_of
from entrypoints.settings import RedisSettings, Settings
from tests.e2e.people import Person, at, sign_up, window
from tests.support.waiting import wait_for


def reads_of(app: Litestar) -> CalendarReads:
    return container_of(app).reads


def with_cache(settings: Settings, *, cache_url: str | None = None, ttl_seconds: int = 360) -> Settings:
    redis = RedisSettings(url=settings.redis.url, cache_url=cache_url)
    return dataclasses.replace(settings, redis=redis, cache_ttl_seconds=ttl_seconds)


async def create_event(organizer: Person, **fields: Any) -> dict[str, Any]:
    body = {"title": "Planning", "starts_at": at(10), "ends_at": at(11), **fields}
    response = await organizer.post("/api/events", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def week_of(person: Person) -> list[dict[str, Any]]:
    response = await person.get("/api/events", params=window())
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.fixture
async def cache_redis(settings: Settings) -> AsyncIterator[Redis]:
    client = Redis.from_url(default_cache_url(settings.redis.url or ""))
    yield client
    await client.aclose()


async def test_a_cache_hit_answers_the_same_bytes_as_the_database(
    client: AsyncTestClient[Litestar], app: Litestar, settings: Settings
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    await create_event(ada, participants=[bob.email], description="agenda: ünïcode ✓")
    await create_event(ada, title="Retro", starts_at=at(14), ends_at=at(15))

    first = await ada.get("/api/events", params=window())
    hits_before = reads_of(app).hits
    cached = await ada.get("/api/events", params=window())
    assert reads_of(app).hits == hits_before + 1

    uncached_app = create_app(with_cache(settings, ttl_seconds=0), configure_logs=False)
    async with AsyncTestClient(app=uncached_app) as uncached_client:
        uncached = await uncached_client.get("/api/events", params=window(), headers=ada.auth)
    assert reads_of(uncached_app).hits == 0
    assert first.status_code == cached.status_code == uncached.status_code == 200
    assert cached.content == first.content == uncached.content
    assert cached.headers["content-type"] == uncached.headers["content-type"]


async def test_organizer_and_participant_see_every_change_right_after_it(client: AsyncTestClient[Litestar]) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    event = await create_event(ada, participants=[bob.email])
    for round_number in range(10):
        await week_of(ada), await week_of(bob)  # both views are cached now
        title = f"Planning, round {round_number}"
        changed = await ada.patch(f"/api/events/{event['id']}", json={"title": title})
        assert changed.status_code == 200, changed.text
        assert [e["title"] for e in await week_of(ada)] == [title]
        assert [e["title"] for e in await week_of(bob)] == [title]

        answer = "accepted" if round_number % 2 == 0 else "declined"
        responded = await bob.post(f"/api/events/{event['id']}/response", json={"status": answer})
        assert responded.status_code == 200, responded.text
        for person in (ada, bob):
            [seen] = await week_of(person)
            assert {p["user_id"]: p["status"] for p in seen["participants"]}[bob.id] == answer


async def test_invitations_removals_sharing_and_cancelling_show_at_once(client: AsyncTestClient[Litestar]) -> None:
    ada, bob, cy = await sign_up(client, "ada"), await sign_up(client, "bob"), await sign_up(client, "cy")
    team = await ada.post("/api/calendars", json={"name": "Team"})
    assert team.status_code == 201, team.text
    event = await create_event(ada, calendar_id=team.json()["id"])
    assert await week_of(bob) == []
    assert await week_of(cy) == []

    invited = await ada.post(f"/api/events/{event['id']}/participants", json={"email": bob.email})
    assert invited.status_code == 201, invited.text
    assert [e["id"] for e in await week_of(bob)] == [event["id"]]

    removed = await ada.delete(f"/api/events/{event['id']}/participants/{bob.id}")
    assert removed.status_code == 204, removed.text
    assert await week_of(bob) == []

    shared = await ada.post(f"/api/calendars/{team.json()['id']}/members", json={"email": cy.email, "role": "viewer"})
    assert shared.status_code == 201, shared.text
    assert [e["id"] for e in await week_of(cy)] == [event["id"]]

    unshared = await ada.delete(f"/api/calendars/{team.json()['id']}/members/{cy.id}")
    assert unshared.status_code == 204, unshared.text
    assert await week_of(cy) == []

    await week_of(ada)
    cancelled = await ada.delete(f"/api/events/{event['id']}")
    assert cancelled.status_code == 204, cancelled.text
    assert await week_of(ada) == []


async def test_with_the_cache_redis_stopped_reads_and_writes_go_on_and_caching_resumes_when_it_returns(
    settings: Settings, tmp_path: Path
) -> None:
    own_redis = EmbeddedRedis(tmp_path)
    cache_url = own_redis.start()
    app = create_app(with_cache(settings, cache_url=cache_url), configure_logs=False)
    try:
        async with AsyncTestClient(app=app) as client, Redis.from_url(cache_url) as cache:
            ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
            event = await create_event(ada, participants=[bob.email])
            await week_of(ada)
            assert await cache.keys("calendar:events:*")

            own_redis.stop()
            with capture_logs() as logs:
                for round_number in range(3):
                    title = f"Offline {round_number}"
                    changed = await ada.patch(f"/api/events/{event['id']}", json={"title": title})
                    assert changed.status_code == 200, changed.text
                    assert [e["title"] for e in await week_of(ada)] == [title]
                    assert [e["title"] for e in await week_of(bob)] == [title]
                created = await ada.post("/api/events", json={"title": "Later", "starts_at": at(15), "ends_at": at(16)})
                assert created.status_code == 201, created.text
            warnings = [line for line in logs if line["event"] == "cache.unavailable"]
            assert len(warnings) == 1, logs
            assert warnings[0]["log_level"] == "warning"

            own_redis.start()

            async def caching_again() -> bool:
                hits = reads_of(app).hits
                titles = [e["title"] for e in await week_of(bob)]
                assert titles == ["Offline 2"]
                return reads_of(app).hits > hits

            await wait_for(caching_again, timeout=15, what="the week view to be served from the cache again")
            assert await cache.keys("calendar:events:*")
    finally:
        own_redis.stop()


async def test_a_cold_week_view_is_computed_once_for_fifty_concurrent_readers(
    client: AsyncTestClient[Litestar], app: Litestar, cache_redis: Redis
) -> None:
    ada = await sign_up(client, "ada")
    for hour in range(8, 18):
        await create_event(ada, title=f"Slot {hour}", starts_at=at(hour), ends_at=at(hour, 30))
    computed_before = reads_of(app).computations

    answers = await asyncio.gather(*(ada.get("/api/events", params=window()) for _ in range(50)))

    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert reads_of(app).computations - computed_before == 1
    assert len(await cache_redis.keys(f"calendar:events:{ada.id}:*")) == 1


async def test_my_calendars_show_a_share_and_an_unshare_at_once(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")

    async def calendar_names(person: Person) -> list[str]:
        response = await person.get("/api/calendars")
        assert response.status_code == 200, response.text
        return sorted(c["name"] for c in response.json()["items"])

    team = await ada.post("/api/calendars", json={"name": "Team"})
    assert team.status_code == 201, team.text
    before = await calendar_names(bob)
    hits = reads_of(app).hits
    assert await calendar_names(bob) == before
    assert reads_of(app).hits == hits + 1

    shared = await ada.post(f"/api/calendars/{team.json()['id']}/members", json={"email": bob.email, "role": "editor"})
    assert shared.status_code == 201, shared.text
    assert await calendar_names(bob) == sorted([*before, "Team"])

    renamed = await ada.patch(f"/api/calendars/{team.json()['id']}", json={"name": "Core team"})
    assert renamed.status_code == 200, renamed.text
    assert await calendar_names(bob) == sorted([*before, "Core team"])

    unshared = await ada.delete(f"/api/calendars/{team.json()['id']}/members/{bob.id}")
    assert unshared.status_code == 204, unshared.text
    assert await calendar_names(bob) == before


async def raw_week(person: Person, accept_encoding: str) -> tuple[Any, bytes]:
    """The week view's answer and its bytes as they came over the wire (httpx would decompress them)."""
    headers = {**person.auth, "Accept-Encoding": accept_encoding}
    async with person.client.stream("GET", "/api/events", params=window(), headers=headers) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    return response, raw


async def test_the_week_view_leaves_gzipped_as_cached_to_clients_that_accept_gzip_and_plain_to_the_others(
    client: AsyncTestClient[Litestar], app: Litestar, cache_redis: Redis
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    for hour in range(8, 18):
        await create_event(
            ada, title=f"Slot {hour}", starts_at=at(hour), ends_at=at(hour, 30), participants=[bob.email]
        )

    zipped, zipped_raw = await raw_week(ada, "gzip, deflate, br")
    hits = reads_of(app).hits
    plain, plain_raw = await raw_week(ada, "identity")
    refused, refused_raw = await raw_week(ada, "br, gzip;q=0")

    assert reads_of(app).hits == hits + 2  # both plain answers came from the one gzipped entry
    assert zipped.status_code == plain.status_code == refused.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert "content-encoding" not in refused.headers
    assert zipped.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert zipped.headers["content-type"] == plain.headers["content-type"] == "application/json"
    assert gzip.decompress(zipped_raw) == plain_raw == refused_raw
    assert [item["title"] for item in json.loads(plain_raw)["items"]] == [f"Slot {hour}" for hour in range(8, 18)]
    assert len(zipped_raw) < len(plain_raw) / 3
    (key,) = await cache_redis.keys(f"calendar:events:{ada.id}:*")
    assert await cache_redis.get(key) == zipped_raw
