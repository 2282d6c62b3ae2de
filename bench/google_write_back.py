"""Writing 1,000 planner edits back to Google against the fake Google server, with 2 workers (target: <= 10 s).

    uv run python bench/google_write_back.py [--events 1000] [--workers 2]

It starts PostgreSQL and Redis (embedded unless DATABASE_URL/REDIS_URL are set) and the fake Google
of the tests on loopback, connects one person allowing writes, switches write-back on, books N events
in planner, then times writing them all to Google the way the SAQ task does (write_event_to_google:
read the event and its write record, events.insert through the real google-api-python-client, store
the record), `--workers` at a time. It prints the time and checks every copy is in the fake.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from adapters.postgres.migrate import upgrade
from application.google_sync.choose_write_back import ChooseWriteBack, choose_write_back
from application.google_sync.write_event_to_google import WriteEventToGoogle, write_event_to_google
from application.scheduling.create_event import create_event
from application.scheduling.dto import CreateEvent
from bench.google_people import bench_person, connect_google
from bench.processes import data_servers
from domain.scheduling.event import NewEvent
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.logs import configure_logging
from entrypoints.settings import AppEnv, Settings
from tests.fakes.google import FakeGoogle, running_fake_google
from tests.support.google import google_settings

TARGET_S = 10.0
CALENDAR = "bench@example.com"


async def connected_for_writing(services: Container, fake: FakeGoogle, user_id: UUID) -> None:
    await connect_google(services, fake, user_id, write_access=True)
    await choose_write_back(
        ChooseWriteBack(actor_id=user_id, google_calendar_id="primary"),
        uow=services.unit_of_work(),
        clock=services.clock,
    )


async def run(database_url: str, redis_url: str, events: int, workers: int) -> float:
    await asyncio.to_thread(upgrade, database_url)
    with running_fake_google() as fake:
        settings = google_settings(
            Settings(env=AppEnv.TEST, log_level="WARNING").with_servers(database_url, redis_url),
            fake,
            "http://127.0.0.1:9",
        )
        services = bootstrap(settings)
        try:
            person_id = await bench_person(services)
            fake.add_calendar(CALENDAR, "Bench")
            await connected_for_writing(services, fake, person_id)
            start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
            booked = []
            for number in range(events):
                event = await create_event(
                    CreateEvent(
                        actor_id=person_id,
                        event=NewEvent(
                            title=f"Event {number}",
                            starts_at=start + timedelta(minutes=30 * number),
                            ends_at=start + timedelta(minutes=30 * number + 25),
                            reminders=(),
                        ),
                    ),
                    uow=services.unit_of_work(),
                    clock=services.clock,
                )
                booked.append(event.id)
            waiting: asyncio.Queue[UUID] = asyncio.Queue()
            for event_id in booked:
                waiting.put_nowait(event_id)

            async def worker() -> None:
                while not waiting.empty():
                    event_id = waiting.get_nowait()
                    await write_event_to_google(
                        WriteEventToGoogle(event_id=event_id),
                        uow=services.unit_of_work(),
                        writers=services.google.writers,
                        clock=services.clock,
                        tell_owner=services.tell_owner,
                    )

            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(workers)))
            elapsed = time.perf_counter() - began
            written = len(fake.events_in(CALENDAR))
            assert written == events, f"only {written} of {events} events reached Google"
            return elapsed
        finally:
            await services.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    configure_logging("WARNING", json=False)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    with tempfile.TemporaryDirectory(prefix="planner-bench-google-write-") as workdir, contextlib.ExitStack() as stack:
        database_url, redis_url = stack.enter_context(data_servers(Path(workdir)))
        elapsed = asyncio.run(run(database_url, redis_url, args.events, args.workers))
    verdict = "meets" if elapsed <= TARGET_S else "MISSES"
    print(
        f"{args.events} planner events written to Google by {args.workers} workers: {elapsed:.2f} s "
        f"({verdict} the {TARGET_S:.0f} s target)"
    )
    return 0 if elapsed <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
