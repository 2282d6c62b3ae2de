"""Rate-limit settings: defaults, overrides, 0 turns a limit off, and the Redis database they live in."""

from __future__ import annotations

import pytest

from adapters.redis.rate_limits import default_rate_limit_url
from entrypoints.settings import RateLimitSettings, Settings, SettingsError


def test_defaults_are_ten_sign_ins_a_minute_and_six_hundred_api_calls() -> None:
    limits = Settings.from_env({}).rate_limits
    assert limits == RateLimitSettings(
        redis_url=None,
        sign_in_per_ip=10,
        sign_up_per_ip=10,
        per_account=10,
        api_per_user=600,
        api_per_ip=600,
        sign_in_max_delay_s=900,
        sign_in_failures_per_minute=100,
        events_per_hour=500,
        sse_streams_per_person=10,
    )


def test_every_limit_is_read_from_the_environment_and_zero_turns_it_off() -> None:
    limits = Settings.from_env(
        {
            "REDIS_RATE_LIMIT_URL": "redis://limits:6379/4",
            "RATE_LIMIT_SIGN_IN_PER_IP": "3",
            "RATE_LIMIT_SIGN_UP_PER_IP": "0",
            "RATE_LIMIT_PER_ACCOUNT": "5",
            "RATE_LIMIT_API_PER_USER": "100",
            "RATE_LIMIT_API_PER_IP": "7",
            "RATE_LIMIT_SIGN_IN_MAX_DELAY_S": "60",
            "RATE_LIMIT_SIGN_IN_FAILURES_PER_MINUTE": "0",
            "EVENTS_PER_HOUR": "0",
            "SSE_STREAMS_PER_PERSON": "2",
        }
    ).rate_limits
    assert limits == RateLimitSettings(
        redis_url="redis://limits:6379/4",
        sign_in_per_ip=3,
        sign_up_per_ip=0,
        per_account=5,
        api_per_user=100,
        api_per_ip=7,
        sign_in_max_delay_s=60,
        sign_in_failures_per_minute=0,
        events_per_hour=0,
        sse_streams_per_person=2,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("RATE_LIMIT_PER_ACCOUNT", "-1"), ("RATE_LIMIT_API_PER_USER", "many"), ("REDIS_RATE_LIMIT_URL", "http://x")],
)
def test_a_malformed_limit_is_refused_naming_it(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


@pytest.mark.parametrize(
    ("redis_url", "expected"),
    [
        ("redis://cache:6379/0", "redis://cache:6379/2"),
        ("redis://:secret@cache:6379", "redis://:secret@cache:6379/2"),
        ("unix:///run/redis.sock?db=0", "unix:///run/redis.sock?db=2"),
    ],
)
def test_limits_live_in_database_2_of_redis_url_by_default(redis_url: str, expected: str) -> None:
    assert default_rate_limit_url(redis_url) == expected
