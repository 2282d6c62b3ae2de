"""The fake Google of the tests served by a process of its own, so a benchmark's planner does not share its GIL.

In the tests the fake runs in a thread of planner's process; the real Google runs elsewhere. The
benchmark talks to this process through a pipe for the few things it asks of the fake itself
(a calendar added, the consent, what was written) and over HTTP for everything planner asks.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any

from tests.fakes.google import running_fake_google

_STOP = None


class FakeGoogleProcess:
    """Stands in for tests.fakes.google.FakeGoogle in a benchmark: the same addresses, the calls it needs."""

    def __init__(self, base_url: str, pipe: Connection) -> None:
        self.base_url, self._pipe = base_url, pipe

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/calendar/v3/"

    def add_calendar(self, calendar_id: str, summary: str) -> None:
        self._ask("add_calendar", calendar_id, summary)

    def consent(self, authorization_url: str) -> str:
        return str(self._ask("consent", authorization_url))

    def events_in(self, calendar_id: str) -> list[dict[str, Any]]:
        return list(self._ask("events_in", calendar_id))

    def violations(self) -> list[str]:
        return list(self._ask("violations"))

    def _ask(self, name: str, *args: Any) -> Any:
        self._pipe.send((name, args))
        failed, answer = self._pipe.recv()
        if failed:
            raise RuntimeError(f"the fake Google process failed: {answer}")
        return answer


@contextmanager
def fake_google_process() -> Iterator[FakeGoogleProcess]:
    """Start the fake Google in a new (spawned) process; stop it when the block ends."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs,), name="fake-google", daemon=True)
    process.start()
    try:
        yield FakeGoogleProcess(ours.recv(), ours)
    finally:
        ours.send(_STOP)
        process.join(10)
        if process.is_alive():
            process.kill()


def _serve(pipe: Connection) -> None:
    with running_fake_google() as fake:
        pipe.send(fake.base_url)
        while (asked := pipe.recv()) is not _STOP:
            name, args = asked
            try:
                answer = fake.violations if name == "violations" else getattr(fake, name)(*args)
                pipe.send((False, None if name == "add_calendar" else answer))
            except Exception as error:  # noqa: BLE001 - told to the benchmark, which stops
                pipe.send((True, repr(error)))
