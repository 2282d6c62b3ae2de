"""A web process told to stop (SIGTERM in a deploy, Ctrl-C) sends its notification streams elsewhere at once.

uvicorn, on SIGTERM, stops accepting and then waits up to its grace period for responses in flight to finish; a
notification stream never finishes by itself, so without this every stream would hold the process for the whole
grace period and then be cut. uvicorn tells the app nothing until the connections are gone (the lifespan shutdown
comes after), and under `--workers N` each process runs uvicorn's own `Server`: so the app itself, while it runs,
puts its handler in front of uvicorn's for SIGTERM and SIGINT. The handler schedules the drain and hands the signal on
to uvicorn, which then stops as it always does.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def on_stop_signals(drain: Callable[[], object]) -> Iterator[None]:
    """While the block runs, a stop signal first calls `drain` in the running event loop, then the handler there was.

    Only where there is a Python handler to hand the signal on to (uvicorn's, in the main thread); elsewhere
    (tests serving the app in a thread, `planner up`, which drains by itself) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    handed_on: dict[int, Callable[[int, FrameType | None], object]] = {}
    for stop_signal in STOP_SIGNALS:
        current = signal.getsignal(stop_signal)
        if callable(current):
            handed_on[stop_signal] = current

    def handler(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(drain)
        handed_on[signum](signum, frame)

    for handled in handed_on:
        signal.signal(handled, handler)
    try:
        yield
    finally:
        for handled, previous in handed_on.items():
            if signal.getsignal(handled) is handler:
                signal.signal(handled, previous)
