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

from litestar import Litestar
from litestar.testing import AsyncTestClient
from structlog.testing import capture_logs

from adapters.embedded.redis import EmbeddedRedis
from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.people import PASSWORD, sign_up
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


async def test_eleventh_sign_in_attempt_for_one_account_in_a_minute_is_refused(settings: Settings) -> None:
    async with web_processes(with_limits(settings, per_account=10)) as (client,):
        ada = await sign_up(client, "ada")
        grace = await sign_up(client, "grace")
        codes = [(await sign_in(client, ada.email.upper())).status_code for _ in range(9)]
        assert codes == [401] * 9  # the tenth attempt was her sign-up's own sign-in
        refused = await sign_in(client, ada.email, PASSWORD)
        assert_too_many_requests(refused, limit=10)
        assert (await sign_in(client, grace.email, PASSWORD)).status_code == 200  # same address, other account


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


async def test_health_and_the_schema_are_never_limited(settings: Settings) -> None:
    limits = with_limits(settings, api_per_ip=1, api_per_user=1, sign_in_per_ip=1, sign_up_per_ip=1)
    async with web_processes(limits) as (client,):
        codes = {(await client.get("/health")).status_code for _ in range(20)}
        assert 429 not in codes
        assert {(await client.get("/schema/openapi.json")).status_code for _ in range(5)} == {200}
        assert "ratelimit-limit" not in (await client.get("/health")).headers


async def test_limits_are_shared_by_two_web_processes(settings: Settings) -> None:
    async with web_processes(with_limits(settings, per_account=10, api_per_user=10), count=2) as (one, two):
        ada = await sign_up(one, "ada")
        codes = [(await sign_in((one, two)[n % 2], ada.email)).status_code for n in range(10)]
        assert codes == [401] * 9 + [429]  # her sign-up's sign-in was the first of ten
        assert_too_many_requests(await sign_in(two, ada.email, PASSWORD), limit=10)

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
