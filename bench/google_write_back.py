"""Writing 1,000 planner edits back to Google against the fake Google server, with 2 workers (target: <= 10 s).

    uv run python bench/google_write_back.py [--events 1000] [--workers 2] [--shape both|processes|coroutines]

It starts PostgreSQL and Redis (embedded unless DATABASE_URL/REDIS_URL are set) and the fake Google of the
tests on loopback, connects one person allowing writes, switches write-back on, books N events in planner,
then times writing them all to Google the way the SAQ task does (write_event_to_google: read the event and
its write record, events.insert through the real google-api-python-client, store the record). It checks
every copy is in the fake and that the fake found no request Google would refuse.

It measures two shapes, one after the other in the same run (each with its own person, events and fake):

- `processes` (the figure judged against the target): the fake Google in a process of its own, as the real
  Google is elsewhere, and the writes done by `--workers` worker processes, each one write at a time, as
  planner's SAQ workers run by default (WORKER_CONCURRENCY=1); each takes every `--workers`-th event.
  The clock starts once every worker has started and wired planner, and stops when the last is done.
- `coroutines` (the benchmark's first shape, kept for comparison): the fake Google in a thread of the
  benchmark's own process, sharing its GIL with planner, and the writes done by `--workers` coroutines.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import SimpleQueue
from multiprocessing.synchronize import Barrier
from typing import Any
from uuid import UUID

from adapters.postgres.migrate import upgrade
from application.google_sync.choose_write_back import ChooseWriteBack, choose_write_back
from application.google_sync.write_event_to_google import WriteEventToGoogle, write_event_to_google
from application.scheduling.create_event import create_event
from application.scheduling.dto import CreateEvent
from bench.fake_google_process import fake_google_process
from bench.google_people import (
    bench_person,
    connect_google,
    google_bench_settings,
    planner_on_fake_google,
    run_with_servers,
)
from domain.scheduling.event import NewEvent
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.logs import configure_logging
from entrypoints.settings import Settings

TARGET_S = 10.0
CALENDAR = "bench@example.com"
SHAPES = ("processes", "coroutines")


async def person_writing_back(services: Container, fake: Any) -> UUID:
    """A new person, connected to the fake Google with write access, writing their events back to it."""
    person_id = await bench_person(services)
    fake.add_calendar(CALENDAR, "Bench")
    await connect_google(services, fake, person_id, write_access=True)
    await choose_write_back(
        ChooseWriteBack(actor_id=person_id, google_calendar_id="primary"),
        uow=services.unit_of_work(),
        clock=services.clock,
    )
    return person_id


async def book(services: Container, person_id: UUID, events: int) -> list[UUID]:
    """`events` half-hour events of the person, one after the other from tomorrow."""
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
    return booked


async def write_each(services: Container, event_ids: Sequence[UUID] | asyncio.Queue[UUID]) -> None:
    """Write events to Google one at a time, as one SAQ worker does its jobs."""
    while True:
        if isinstance(event_ids, asyncio.Queue):
            if event_ids.empty():
                return
            event_id = event_ids.get_nowait()
        else:
            if not event_ids:
                return
            event_id, event_ids = event_ids[0], event_ids[1:]
        await write_event_to_google(
            WriteEventToGoogle(event_id=event_id),
            uow=services.unit_of_work(),
            writers=services.google.writers,
            clock=services.clock,
            tell_owner=services.tell_owner,
        )


def check_written(fake: Any, violations: list[str], events: int) -> None:
    written = len(fake.events_in(CALENDAR))
    assert written == events, f"only {written} of {events} events reached Google"
    assert not violations, f"requests Google would refuse: {violations[:3]}"


@dataclass(frozen=True)
class Measure:
    seconds: float
    """From the first write's start to the last one's end."""
    cpu_s: float
    """CPU time of the processes that wrote (user + system), over the same span."""


async def coroutines_in_one_process(database_url: str, redis_url: str, events: int, workers: int) -> Measure:
    async with planner_on_fake_google(database_url, redis_url) as (services, fake):
        booked = await book(services, await person_writing_back(services, fake), events)
        waiting: asyncio.Queue[UUID] = asyncio.Queue()
        for event_id in booked:
            waiting.put_nowait(event_id)
        began, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(write_each(services, waiting) for _ in range(workers)))
        measure = Measure(time.perf_counter() - began, time.process_time() - cpu)
        check_written(fake, fake.violations, events)
        return measure


async def worker_processes(database_url: str, redis_url: str, events: int, workers: int) -> Measure:
    await asyncio.to_thread(upgrade, database_url)
    with fake_google_process() as fake:
        # The workers get the same settings: the same secret key, which encrypts the stored Google tokens.
        settings = google_bench_settings(database_url, redis_url, fake)  # type: ignore[arg-type]
        services = bootstrap(settings)
        try:
            booked = await book(services, await person_writing_back(services, fake), events)
        finally:
            await services.close()
        context = multiprocessing.get_context("spawn")
        started, cpu = context.Barrier(workers + 1), context.SimpleQueue()
        processes = [
            context.Process(
                target=_worker_process,
                args=(settings, booked[number::workers], started, cpu),
                name=f"bench-writer-{number}",
            )
            for number in range(workers)
        ]
        for process in processes:
            process.start()
        try:
            await asyncio.to_thread(started.wait, 120)
            began = time.perf_counter()
            for process in processes:
                await asyncio.to_thread(process.join)
            elapsed = time.perf_counter() - began
            cpu_s = sum(cpu.get() for _ in processes)
        finally:
            for process in processes:
                if process.is_alive():
                    process.kill()
        failed = [process.name for process in processes if process.exitcode != 0]
        assert not failed, f"worker processes failed: {failed}"
        check_written(fake, fake.violations(), events)
        return Measure(elapsed, cpu_s)


def _worker_process(settings: Settings, event_ids: list[UUID], started: Barrier, cpu: SimpleQueue[float]) -> None:
    configure_logging("WARNING", json=False)
    warnings.filterwarnings("ignore", category=DeprecationWarning)

    async def write() -> None:
        services = bootstrap(settings)
        try:
            started.wait(120)
            began = time.process_time()
            await write_each(services, event_ids)
            cpu.put(time.process_time() - began)
        finally:
            await services.close()

    asyncio.run(write())


async def run(
    database_url: str, redis_url: str, events: int, workers: int, shapes: Sequence[str]
) -> dict[str, Measure]:
    measures = {"processes": worker_processes, "coroutines": coroutines_in_one_process}
    return {shape: await measures[shape](database_url, redis_url, events, workers) for shape in shapes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shape", choices=("both", *SHAPES), default="both")
    args = parser.parse_args(argv)
    shapes = SHAPES if args.shape == "both" else (args.shape,)
    timings = run_with_servers(
        "planner-bench-google-write-",
        lambda database_url, redis_url: run(database_url, redis_url, args.events, args.workers, shapes),
    )
    load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
    cpu_of = {"processes": "the writer processes", "coroutines": "planner and the fake Google"}
    described = {
        "processes": f"{args.workers} worker processes, the fake Google in its own process",
        "coroutines": f"{args.workers} coroutines in one process with the fake Google (the first shape)",
    }
    for shape, measure in timings.items():
        print(
            f"{args.events} planner events written to Google by {described[shape]}: {measure.seconds:.2f} s, "
            f"{measure.cpu_s / args.events * 1000:.1f} ms CPU per write ({cpu_of[shape]})"
        )
    judged = timings["processes" if "processes" in timings else "coroutines"].seconds
    verdict = "meets" if judged <= TARGET_S else "MISSES"
    print(f"{verdict} the {TARGET_S:.0f} s target ({judged:.2f} s); load average {load}")
    return 0 if judged <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
