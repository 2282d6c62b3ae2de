"""A stop signal reaches the app's drain first, then the handler that was there (uvicorn's)."""

from __future__ import annotations

import asyncio
import signal
from types import FrameType

from entrypoints.draining import on_stop_signals


async def test_a_stop_signal_schedules_the_drain_and_hands_the_signal_on() -> None:
    seen: list[str] = []
    drained = asyncio.Event()

    def uvicorns(signum: int, _: FrameType | None) -> None:
        seen.append(f"handed on {signal.Signals(signum).name}")

    def drain() -> None:
        seen.append("drained")
        drained.set()

    before = signal.signal(signal.SIGTERM, uvicorns)
    try:
        with on_stop_signals(drain):
            signal.raise_signal(signal.SIGTERM)
            async with asyncio.timeout(2):
                await drained.wait()
        assert seen == ["handed on SIGTERM", "drained"]
        assert signal.getsignal(signal.SIGTERM) is uvicorns, "the previous handler is back once the app stops"
    finally:
        signal.signal(signal.SIGTERM, before)


async def test_without_a_handler_to_hand_on_to_nothing_is_installed() -> None:
    before = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with on_stop_signals(lambda: None):
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, before)
