"""Rate limits on real Redis: sign-in and sign-up per address and per account, the API per user."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from structlog.testing import capture_logs

from adapters.embedded.redis import EmbeddedRedis
from adapters.redis.rate_limits import RateLimitCounters, create_rate_limit_client
from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.people import PASSWORD, at, sign_up
from tests.support.live_server import live_server
from tests.support.waiting import wait_for

Client = AsyncTestClient[Litestar]
WRONG_PASSWORD = "not the password at all"


def with_limits(settings: Settings, **limits: Any) -> Settings:
    return dataclasses.replace(settings, rate_limits=dataclasses.replace(settings.rate_limits, **limits))


@asynccontextmanager
async def web_processes(settings: Settings, count: int = 1) -> AsyncIterator[list[Client]]:
    """`count` independent apps (as separate web processes would be) on the same servers."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(AsyncTestClient(app=create_app(settings, configure_logs=False)))
            for _ in range(count)
        ]


async def sign_in(client: Client, email: str, password: str = WRONG_PASSWORD) -> Any:
    return await client.post("/api/auth/login", json={"email": email, "password": password})


def assert_too_many_requests(response: Any, *, limit: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 429
    assert 0 < int(response.headers["retry-after"]) <= 60
    assert response.headers["ratelimit-limit"] == str(limit)
    assert response.headers["ratelimit-remaining"] == "0"
    assert 0 < int(response.headers["ratelimit-reset"]) <= 60


def assert_locked(response: Any) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0


async def test_failures_lock_only_the_network_they_come_from(settings: Settings) -> None:
    app = create_app(with_limits(settings, per_account=3), configure_logs=False)
    # Behind a trusted proxy (uvicorn applies X-Forwarded-For from 127.0.0.1): callers from several networks.
    async with live_server(app) as base, httpx.AsyncClient(base_url=base) as http:

        async def from_address(address: str, email: str, password: str = WRONG_PASSWORD) -> httpx.Response:
            body = {"email": email, "password": password}
            return await http.post("/api/auth/login", json=body, headers={"X-Forwarded-For": address})

        email = "ada@example.com"
        registered = await http.post("/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Ada"})
        assert registered.status_code == 201, registered.text
        codes = [(await from_address("203.0.113.7", email.upper())).status_code for _ in range(3)]
        assert codes == [401] * 3
        assert_locked(await from_address("203.0.113.7", email, PASSWORD))
        assert_locked(await from_address("203.0.113.99", email, PASSWORD))  # the same /24
        # Ada herself, from her own network, is not locked out by the attack.
        assert (await from_address("198.51.100.20", email, PASSWORD)).status_code == 200
        # Rotating addresses inside one IPv6 /64 is one network.
        rotating = [(await from_address(f"2001:db8::{n}", email)).status_code for n in range(1, 4)]
        assert rotating == [401] * 3
        assert_locked(await from_address("2001:db8::99", email, PASSWORD))
        assert (await from_address("2001:db8:1::5", email, PASSWORD)).status_code == 200


async def test_sign_in_attempts_that_succeed_never_lock_an_account(settings: Settings) -> None:
    async with web_processes(with_limits(settings, per_account=3)) as (client,):
        ada = await sign_up(client, "ada")
        codes = [(await sign_in(client, ada.email, PASSWORD)).status_code for _ in range(12)]
        assert codes == [200] * 12


async def test_each_failure_past_the_free_ones_doubles_the_wait(settings: Settings) -> None:
    counters = RateLimitCounters(create_rate_limit_client(settings.rate_limits.redis_url or ""))
    try:
        waits = [
            (
                await counters.fail(
                    "sign_in:failures:test",
                    site_key="sign_in:failures:site-test",
                    free=3,
                    first_s=5,
                    longest_s=60,
                    site_window_s=60,
                    site_ceiling=0,
                    kept_s=3600,
                )
            )
            for _ in range(8)
        ]
        assert [wait.locked_for_s if wait else None for wait in waits] == [0, 0, 5, 10, 20, 40, 60, 60]
        assert 55 < (await counters.locked_for("sign_in:failures:test") or 0) <= 60
        await counters.forget("sign_in:failures:test")
        assert await counters.locked_for("sign_in:failures:test") == 0
    finally:
        await counters.close()


async def test_past_the_site_wide_failure_ceiling_each_failure_waits_the_longest(settings: Settings) -> None:
    limits = with_limits(settings, per_account=100, sign_in_failures_per_minute=3, sign_in_max_delay_s=600)
    async with web_processes(limits) as (client,):
        ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
        codes = [(await sign_in(client, f"nobody{n}@example.com")).status_code for n in range(4)]
        assert codes == [401] * 4
        refused = await sign_in(client, "nobody3@example.com")
        assert_locked(refused)
        assert 500 < int(refused.headers["retry-after"]) <= 600
        assert (await sign_in(client, "nobody0@example.com")).status_code == 401, "failed before the ceiling"
        assert (await sign_in(client, ada.email, PASSWORD)).status_code == 200
        assert (await sign_in(client, bob.email, PASSWORD)).status_code == 200


async def test_registrations_from_one_address_are_limited(settings: Settings) -> None:
    async with web_processes(with_limits(settings, sign_up_per_ip=3)) as (client,):
        people = [await sign_up(client) for _ in range(3)]
        refused = await client.post(
            "/api/auth/register", json={"email": "late@example.com", "password": PASSWORD, "name": "Late"}
        )
        assert_too_many_requests(refused, limit=3)
        assert (await sign_in(client, people[0].email, PASSWORD)).status_code == 200  # signing in is counted apart


async def test_sign_ins_from_one_address_are_limited_across_accounts(settings: Settings) -> None:
    async with web_processes(with_limits(settings, sign_in_per_ip=4)) as (client,):
        ada = await sign_up(client, "ada")  # one sign-in
        codes = [(await sign_in(client, f"nobody{n}@example.com")).status_code for n in range(4)]
        assert codes == [401, 401, 401, 429]
        assert_too_many_requests(await sign_in(client, ada.email, PASSWORD), limit=4)


async def test_the_api_is_limited_per_user_and_others_are_unaffected(settings: Settings) -> None:
    async with web_processes(with_limits(settings, api_per_user=5)) as (client,):
        ada = await sign_up(client, "ada")
        bob = await sign_up(client, "bob")
        answers = [await ada.get("/api/me") for _ in range(5)]
        assert [a.status_code for a in answers] == [200] * 5
        assert [a.headers["ratelimit-remaining"] for a in answers] == ["4", "3", "2", "1", "0"]
        assert_too_many_requests(await ada.get("/api/calendars"), limit=5)
        assert (await bob.get("/api/me")).status_code == 200
        assert (await ada.get("/health")).status_code in (200, 503)  # never limited (no worker runs here)


async def test_signed_in_webhook_routes_are_limited_like_the_api_but_google_pushes_are_not(settings: Settings) -> None:
    async with web_processes(with_limits(settings, api_per_user=3, api_per_ip=3)) as (client,):
        ada = await sign_up(client, "ada")
        codes = [(await ada.get(f"/webhook/status/{ada.id}")).status_code for _ in range(4)]
        assert codes[-1] == 429, codes
        pushes = [
            (await client.post("/webhook/google-calendar", headers={"X-Goog-Channel-ID": "x"})).status_code
            for _ in range(5)
        ]
        assert 429 not in pushes


async def test_a_body_over_256_kb_is_413_before_anything_reads_it(client: Client) -> None:
    answer = await client.post("/api/auth/login", json={"email": "a@example.com", "password": "x" * 300_000})
    assert answer.status_code == 413, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_health_and_the_schema_are_never_limited(settings: Settings) -> None:
    limits = with_limits(settings, api_per_ip=1, api_per_user=1, sign_in_per_ip=1, sign_up_per_ip=1)
    async with web_processes(limits) as (client,):
        codes = {(await client.get("/health")).status_code for _ in range(20)}
        assert 429 not in codes
        assert {(await client.get("/schema/openapi.json")).status_code for _ in range(5)} == {200}
        assert "ratelimit-limit" not in (await client.get("/health")).headers


async def test_limits_are_shared_by_two_web_processes(settings: Settings) -> None:
    async with web_processes(with_limits(settings, per_account=3, api_per_user=10), count=2) as (one, two):
        ada = await sign_up(one, "ada")
        codes = [(await sign_in((one, two)[n % 2], ada.email)).status_code for n in range(4)]
        assert codes == [401] * 3 + [429]  # failures counted in one process lock the other too
        assert_locked(await sign_in(two, ada.email, PASSWORD))

        bob = await sign_up(two, "bob")
        # A burst split over both processes at once: exactly the limit gets through, not twice it.
        burst = await asyncio.gather(
            *(client.get("/api/me", headers=bob.auth) for client in (one, two) for _ in range(15))
        )
        assert sorted(response.status_code for response in burst) == [200] * 10 + [429] * 20


async def test_requests_pass_while_the_rate_limit_redis_is_down_and_limits_resume(
    settings: Settings, tmp_path: Path
) -> None:
    own_redis = EmbeddedRedis(tmp_path)
    limits = with_limits(settings, per_account=2, redis_url=own_redis.start())
    try:
        async with web_processes(limits) as (client,):
            ada = await sign_up(client, "ada")
            own_redis.stop()
            with capture_logs() as logs:
                codes = [(await sign_in(client, ada.email)).status_code for _ in range(5)]
                me = await ada.get("/api/me")
            assert codes == [401] * 5
            assert me.status_code == 200
            assert [entry["event"] for entry in logs].count("rate_limits.unavailable") == 1

            own_redis.start()

            async def limited_again() -> bool:
                return (await sign_in(client, ada.email)).status_code == 429

            await wait_for(limited_again, timeout=10, what="rate limits to resume with Redis back")
    finally:
        own_redis.stop()


async def test_a_hung_rate_limit_redis_costs_requests_at_most_a_moment(settings: Settings) -> None:
    listener = socket.socket()  # accepts connections and never answers
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        hung = f"redis://127.0.0.1:{listener.getsockname()[1]}/2"
        async with web_processes(with_limits(settings, per_account=1, redis_url=hung)) as (client,):
            ada = await sign_up(client, "ada")
            started = time.monotonic()
            answers = [await ada.get("/api/me") for _ in range(10)]
            elapsed = time.monotonic() - started
        assert [a.status_code for a in answers] == [200] * 10
        assert elapsed < 2
    finally:
        listener.close()


async def test_events_created_per_person_an_hour_are_capped(settings: Settings) -> None:
    async with web_processes(with_limits(settings, events_per_hour=3)) as (client,):
        ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")

        async def create(person: Any, n: int) -> int:
            body = {"title": f"e{n}", "starts_at": at(9 + n), "ends_at": at(10 + n), "timezone": "UTC"}
            return int((await person.post("/api/events", body)).status_code)

        assert [await create(ada, n) for n in range(4)] == [201, 201, 201, 429]
        assert await create(bob, 0) == 201, "counted per person"
