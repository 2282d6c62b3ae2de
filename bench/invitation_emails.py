"""1,000 invitation emails (iMIP) through 2 worker processes to a local SMTP server: how long until the last arrives.

    uv run python bench/invitation_emails.py                  # 100 events x 10 invitees = 1,000 invitations
    uv run python bench/invitation_emails.py --events 200     # 2,000

An embedded PostgreSQL and Redis (or DATABASE_URL / REDIS_URL), migrations applied; an `aiosmtpd`
server on 127.0.0.1 that counts what it receives (no TLS, no delay); `planner worker --processes 2`
with SMTP_URL pointing at it. One organizer and 200 people are stored through the use cases (no
HTTP, no password hashing: not what is measured); then the events, each inviting 10 of them (the next
10 in turn), are created through the create_event use case as a request would. The clock runs from
the first event's commit to the last email's arrival: outbox -> notify_event_invited (notification +
queued email) -> outbox -> send_email (calendar part written with icalendar, one SMTP conversation each).
Target (issue 19): 1,000 invitation emails in <= 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.engine import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.saq.queue import create_queue
from application.accounts.dto import RegisterUser
from application.accounts.register_user import open_account
from application.scheduling.create_event import create_event
from application.scheduling.dto import CreateEvent
from bench.errors import BenchmarkFailed
from bench.harness import data_servers_migrated, main
from bench.processes import background_process, planner_environment
from domain.clock import SystemClock
from domain.scheduling.event import NewEvent

TARGET_S = 30.0
PEOPLE = 200
INVITEES = 10
WORKERS = 2
TIMEOUT_S = 180.0


class CountingSmtpHandler:
    """Counts the messages it receives, and notes when the last came."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.message_ids: set[bytes] = set()
        self.copies = 0
        self.with_calendar = 0
        self.last_at = 0.0

    @property
    def count(self) -> int:
        """Distinct messages (by Message-ID): a copy sent again (at least once) is counted once."""
        return len(self.message_ids)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        content = bytes(envelope.original_content or envelope.content)
        found = re.search(rb"^Message-ID:\s*(\S+)", content, re.IGNORECASE | re.MULTILINE)
        with self.lock:
            self.copies += 1
            if found is None or found.group(1) not in self.message_ids:
                self.with_calendar += b"method=REQUEST" in content or b'method="REQUEST"' in content
            self.message_ids.add(found.group(1) if found else str(self.copies).encode())
            self.last_at = time.perf_counter()
        return "250 OK"


@dataclass(frozen=True)
class Result:
    emails: int
    arrived: int
    copies: int
    with_calendar: int
    seconds: float
    create_seconds: float


def measure(workdir: Path, events: int) -> Result:
    handler = CountingSmtpHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    smtp = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        with data_servers_migrated(workdir) as servers:
            env = planner_environment(servers.database_url, servers.redis_url)
            env.update(SMTP_URL=f"smtp://127.0.0.1:{smtp_port}?starttls=false", MAIL_FROM="bench@planner.example")
            command = [sys.executable, "-m", "entrypoints.cli", "worker", "--processes", str(WORKERS)]
            servers.stack.enter_context(background_process(command, env=env, log=workdir / "planner.log"))
            return asyncio.run(_run(servers.database_url, servers.redis_url, events, handler))
    finally:
        smtp.stop()


async def _run(database_url: str, redis_url: str, events: int, handler: CountingSmtpHandler) -> Result:
    engine = create_engine(database_url, pool_size=4, max_overflow=0)
    sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    clock = SystemClock()
    try:
        await _workers_reporting(redis_url)
        organizer = await open_account(
            RegisterUser(email="organizer@bench.example", password="unused-password", name="Organizer"),
            email="organizer@bench.example",
            password_hash="not-a-hash",
            uow=PostgresUnitOfWork(sessions),
            clock=clock,
            make_admin=False,
        )
        people = [f"invitee{n}@bench.example" for n in range(PEOPLE)]
        for email in people:
            await open_account(
                RegisterUser(email=email, password="unused-password", name=email.split("@")[0]),
                email=email,
                password_hash="not-a-hash",
                uow=PostgresUnitOfWork(sessions),
                clock=clock,
                make_admin=False,
            )
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=7)
        expected = events * INVITEES
        began = time.perf_counter()
        for n in range(events):
            invitees = [people[(n * INVITEES + k) % PEOPLE] for k in range(INVITEES)]
            new = NewEvent(
                title=f"All hands {n}",
                starts_at=start + timedelta(hours=n),
                ends_at=start + timedelta(hours=n, minutes=30),
                timezone="Europe/Berlin",
            )
            await create_event(
                CreateEvent(actor_id=organizer.id, event=new, participants=invitees),
                uow=PostgresUnitOfWork(sessions),
                clock=clock,
            )
        created = time.perf_counter() - began
        deadline = began + TIMEOUT_S
        while handler.count < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        arrived_at = handler.last_at if handler.count >= expected else time.perf_counter()
        async with engine.connect() as conn:
            unsent = (
                await conn.execute(text("SELECT count(*) FROM outgoing_emails WHERE sent_at IS NULL"))
            ).scalar_one()
        if handler.count >= expected and unsent:
            # Every message arrived; the last commits may lag their SMTP answer by a moment.
            await asyncio.sleep(1)
        return Result(expected, handler.count, handler.copies, handler.with_calendar, arrived_at - began, created)
    finally:
        await engine.dispose()


async def _workers_reporting(redis_url: str) -> None:
    queue = create_queue(redis_url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len((await queue.info())["workers"]) >= WORKERS:
                return
            await asyncio.sleep(0.2)
        raise BenchmarkFailed(f"{WORKERS} workers did not report in within 60 s")
    finally:
        await queue.disconnect()


def report(result: Result) -> None:
    rate = result.arrived / result.seconds if result.seconds else 0.0
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(f"load average before the report (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    verdict = "met" if result.arrived >= result.emails and result.seconds <= TARGET_S else "MISSED"
    print(
        f"{result.arrived} of {result.emails} invitation emails arrived in {result.seconds:.1f} s "
        f"({rate:.0f}/s; {result.with_calendar} with a METHOD:REQUEST part; "
        f"{result.copies - result.arrived} sent twice; the events were created in "
        f"{result.create_seconds:.1f} s) with {WORKERS} worker processes; target <= {TARGET_S:.0f} s: {verdict}"
    )


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=100, help=f"events, each inviting {INVITEES} people")
    args = parser.parse_args(argv)
    return main(lambda workdir: measure(workdir, args.events), report, workdir_prefix="planner-bench-email-")


if __name__ == "__main__":
    sys.exit(run())
