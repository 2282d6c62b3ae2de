"""Calls to Google retried when it is rate limited or failing: its Retry-After honoured, else backoff with jitter."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from domain.google_sync.errors import GoogleUnavailable

T = TypeVar("T")

RETRIES = 5
"""A rate-limited or failing Google call is retried this many times, then given up (the job retries later)."""
MAX_DELAY_S = 32.0
"""The longest wait before one retry, whatever the backoff or Google's Retry-After say."""

Waiting = Callable[[float, GoogleUnavailable], Awaitable[None]]
"""Told how long a call waits before its retry and why (a job shows it)."""


def retry_delay(attempt: int, error: GoogleUnavailable, *, base_seconds: float) -> float:
    """Google's Retry-After when it gave one, else full-jitter exponential backoff; capped at MAX_DELAY_S."""
    if error.retry_after_s is not None:
        return min(error.retry_after_s, MAX_DELAY_S)
    return random.uniform(0, min(MAX_DELAY_S, base_seconds * 2**attempt))  # noqa: S311 - jitter, not a secret


async def with_retries(
    call: Callable[[], Awaitable[T]], *, base_seconds: float, waiting: Waiting | None = None, retries: int = RETRIES
) -> T:
    """Run `call`; while Google is unavailable, wait (Retry-After or backoff) and try again, `retries` times."""
    for attempt in range(retries + 1):
        try:
            return await call()
        except GoogleUnavailable as error:
            if attempt == retries:
                raise
            delay = retry_delay(attempt, error, base_seconds=base_seconds)
            if waiting is not None:
                await waiting(delay, error)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
