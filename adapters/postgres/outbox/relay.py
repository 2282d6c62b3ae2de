"""Wake the outbox's hand-over whenever a commit stored messages: LISTEN on the outbox's channel.

Commits notify OUTBOX_CHANNEL (adapters/postgres/outbox/store.py); PostgreSQL delivers that after the
commit, to every listening worker. The relay then hands over what is waiting, once per burst of
notifications (those arriving while it hands over are served by one more round). On connecting,
and again after a lost connection, it hands over first (a commit may have notified nobody), and
a hand-over that failed (Redis down) is tried again after `retry_s`, notified or not.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.outbox.store import OUTBOX_CHANNEL

log = structlog.get_logger(__name__)

RETRY_S = 1.0
"""After a failed hand-over or a lost connection, wait this long before trying again."""


class _Listening:
    def __init__(self) -> None:
        self.woken = asyncio.Event()
        self.lost = asyncio.Event()

    def wake(self, *_: Any) -> None:
        self.woken.set()

    def lose(self, *_: Any) -> None:
        self.lost.set()
        self.woken.set()


class OutboxRelay:
    """Runs `hand_over` after every burst of commits that stored outbox messages, until cancelled."""

    def __init__(
        self, engine: AsyncEngine, hand_over: Callable[[], Awaitable[object]], *, retry_s: float = RETRY_S
    ) -> None:
        self._engine = engine
        self._hand_over = hand_over
        self._retry_s = retry_s
        self._failing = False

    async def run(self) -> None:
        """Listen and hand over, forever; a lost connection is opened again."""
        unreachable = False
        while True:
            try:
                async with self._listening() as listening:
                    log.info("outbox.relay_listening", channel=OUTBOX_CHANNEL)
                    unreachable = False
                    await self._relay(listening)
                log.warning("outbox.relay_connection_lost")
            except asyncio.CancelledError:
                raise
            except Exception:
                # Logged once while PostgreSQL stays unreachable, not every `retry_s`.
                if not unreachable:
                    log.warning("outbox.relay_failed", exc_info=True)
                unreachable = True
            await asyncio.sleep(self._retry_s)

    async def _relay(self, listening: _Listening) -> None:
        while not listening.lost.is_set():
            listening.woken.clear()
            handed_over = await self._try_hand_over()
            if handed_over:
                await listening.woken.wait()
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(listening.woken.wait(), self._retry_s)

    async def _try_hand_over(self) -> bool:
        try:
            await self._hand_over()
        except Exception:
            # Logged once while it keeps failing (Redis down), not every `retry_s`.
            if not self._failing:
                log.warning("outbox.relay_hand_over_failed", exc_info=True)
            self._failing = True
            return False
        if self._failing:
            log.info("outbox.relay_hand_over_recovered")
        self._failing = False
        return True

    @contextlib.asynccontextmanager
    async def _listening(self) -> AsyncIterator[_Listening]:
        listening = _Listening()
        async with self._engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            if driver is None:
                raise RuntimeError("no connection to listen on")
            driver.add_termination_listener(listening.lose)
            await driver.add_listener(OUTBOX_CHANNEL, listening.wake)
            try:
                yield listening
            finally:
                driver.remove_termination_listener(listening.lose)
                # The connection goes back to the pool: listening no more, or, if it is gone, invalidated
                # (the pool would hand it out again as it is).
                if listening.lost.is_set() or driver.is_closed():
                    await connection.invalidate()
                else:
                    try:
                        await driver.remove_listener(OUTBOX_CHANNEL, listening.wake)
                    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                        await connection.invalidate()
