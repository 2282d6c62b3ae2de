"""What every load benchmark does around its own measurements: arguments, the run, the servers, the report.

A benchmark script keeps what it measures and what it prints about it; this module owns the rest, so
that the scripts start, stop, fail and report in the same way: `main` (logging, SIGTERM, a scratch
directory, the messages on failure and Ctrl-C), `data_servers_migrated` (PostgreSQL and Redis, stopped
again whatever happens), the wrk load and seeding options, seeding one week, and the shared lines of
the reports (a table of figures, optionally against the ceiling measured in the same run, the
busy-machine warning, the errors of each scenario and what planner logged).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from adapters.postgres.migrate import upgrade
from bench.errors import BenchmarkFailed
from bench.load_generator import LoadShape, Measurement, Wrk, ensure_wrk, wrk_version
from bench.processes import REPO_ROOT, data_servers, ignore_signals, log_tail, raise_interrupt
from bench.seeding import Seeded, benchmark_week, iso, seed, week_view_size
from entrypoints.logs import configure_logging

BUSY_MACHINE = 0.15  # the cores' busy fraction, with nothing measured running, above which figures are suspect

Results = TypeVar("Results")


def main(
    measure: Callable[[Path], Results],
    report: Callable[[Results], None],
    *,
    workdir_prefix: str = "planner-bench-",
    logs: Mapping[str, str] | None = None,
) -> int:
    """Run `measure` in a scratch directory, then `report` its results; answer the exit status.

    `logs` names the logs (name -> path in the directory) whose ends are printed when the benchmark
    cannot run; planner's own by default. The directory is removed after the report, so `report` may
    still read the logs in it.
    """
    configure_logging("WARNING", json=False)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")  # platformdirs, inside the embedded servers
    signal.signal(signal.SIGTERM, raise_interrupt)
    workdir = Path(tempfile.mkdtemp(prefix=workdir_prefix))
    try:
        results = measure(workdir)
        report(results)
    except BenchmarkFailed as exc:
        print(f"\nthe benchmark could not run: {exc}", file=sys.stderr)
        for name, path in (logs or {"planner": "planner.log"}).items():
            if tail := log_tail(workdir / path):
                print(f"\nthe end of {name}'s log:\n{tail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: everything the benchmark started is stopped", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


@dataclass(frozen=True)
class DataServers:
    database_url: str
    redis_url: str
    stack: contextlib.ExitStack  # what the benchmark starts next, stopped before the servers


@contextlib.contextmanager
def data_servers_migrated(workdir: Path) -> Iterator[DataServers]:
    """PostgreSQL (migrated) and Redis; they and all entered on `stack` are stopped again, also on Ctrl-C."""
    stack = contextlib.ExitStack()
    try:
        database_url, redis_url = stack.enter_context(data_servers(workdir))
        upgrade(database_url)
        yield DataServers(database_url, redis_url, stack)
    finally:
        ignore_signals()
        stack.close()


def load_and_seed_arguments(
    argv: Sequence[str] | None, *, doc: str | None, per: str, checkout: bool = False
) -> argparse.Namespace:
    """The options of a wrk benchmark on a seeded week; `per` names what one duration of load is for.

    With `checkout`, also `--checkout`: which checkout's planner is measured.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--duration", type=int, default=15, help=f"seconds of load per {per} (default 15)")
    parser.add_argument("--connections", type=int, default=200, help="concurrent connections (default 200)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unmeasured load before each (default 3)")
    parser.add_argument("--users", type=int, default=200, help="people to seed (default 200)")
    parser.add_argument("--rooms", type=int, default=20, help="rooms to seed (default 20)")
    parser.add_argument("--events-per-user", type=int, default=50, help="events each person organizes (default 50)")
    parser.add_argument("--verbose", action="store_true", help="also print wrk's own output")
    if checkout:
        parser.add_argument(
            "--checkout",
            type=Path,
            default=REPO_ROOT,
            help="the checkout whose planner is measured, run with this one's Python environment and scripts "
            "(default: this checkout), e.g. older code from `git worktree add /tmp/before <commit>`",
        )
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1 or args.threads < 1 or args.warmup < 0:
        parser.error("--duration, --connections and --threads must be positive, --warmup not negative")
    if args.users < 4 or args.rooms < 1 or args.events_per_user < 1:
        parser.error("seed at least 4 users, 1 room and 1 event per user")
    return args


def wrk_for(args: argparse.Namespace) -> Wrk:
    """wrk (installed if missing) with the load the options ask for."""
    shape = LoadShape(args.duration, args.connections, min(args.threads, args.connections), args.warmup)
    return Wrk(ensure_wrk(), shape, verbose=args.verbose)


@dataclass(frozen=True)
class SeededWeek:
    seeded: Seeded
    week: datetime
    start: str  # the week's bounds, as the week view asks for them
    end: str
    events: float  # mean events in one week view's answer
    kib: float
    wire_kib: float  # the same answer's bytes on the wire, gzip accepted (as httpx, requests and browsers ask)
    people_file: Path  # "token<TAB>email" a line, for the wrk scripts

    @property
    def week_view_args(self) -> tuple[str, str, str]:
        return (str(self.people_file), self.start, self.end)


def seed_week(app_url: str, args: argparse.Namespace, workdir: Path) -> SeededWeek:
    """People, rooms and a week of events through the public API, as the options ask for."""
    week = benchmark_week()
    start, end = iso(week), iso(week + timedelta(days=7))
    seeded = asyncio.run(
        seed(app_url, users=args.users, rooms=args.rooms, events_per_user=args.events_per_user, week=week)
    )
    events, kib, wire_kib = week_view_size(app_url, seeded.people, start, end)
    people_file = workdir / "people.tsv"
    people_file.write_text("".join(f"{p.token}\t{p.email}\n" for p in seeded.people))
    return SeededWeek(seeded, week, start, end, events, kib, wire_kib, people_file)


def announce_load(wrk: Wrk) -> None:
    shape = wrk.shape
    print(f"measuring: {shape.connections} connections, {shape.threads} wrk threads, {shape.duration} s each")


def load_line(wrk: Wrk) -> str:
    """The machine and the load, for a report's first line."""
    shape = wrk.shape
    return (
        f"{os.cpu_count()} cores, {wrk_version(wrk.executable)}, "
        f"{shape.connections} connections, {shape.threads} threads, {shape.duration} s"
    )


def print_figures(
    title: str, width: int, rows: Sequence[tuple[str, Measurement]], *, ceiling: Measurement | None = None
) -> None:
    """A table of the figures of each scenario; with `ceiling`, each one's throughput as a share of it."""
    header = f"{title:<{width}} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    if ceiling is not None:
        header += f" {'vs ceiling':>11}"
    print(header)
    print("-" * len(header))
    for label, m in rows:
        line = f"{label:<{width}} {m.rps:>9,.0f} {m.p50_ms:>8.1f} {m.p99_ms:>8.1f} {m.errors:>7}"
        if ceiling is not None:
            ratio = m.rps / ceiling.rps if ceiling.rps else 0.0
            line += f" {ratio:>10.1%}"
        print(line)


def warn_if_busy(measurements: Sequence[Measurement]) -> None:
    busy = [f"{m.scenario} {m.background_cpu:.0%}" for m in measurements if m.background_cpu > BUSY_MACHINE]
    if busy:
        print(f"warning: other processes kept the cores busy before: {', '.join(busy)}; the figures are low")


def print_errors(measurements: Sequence[Measurement]) -> None:
    """What went wrong in each scenario that had errors."""
    for m in measurements:
        if m.errors:
            detail = ", ".join(f"{kind} {n}" for kind, n in {**m.socket_errors, **m.statuses}.items() if n)
            print(f"\n{m.scenario}: {m.errors} errors ({detail}); first error answer: {m.first_error or '-'}")


def print_logged(name: str, errors: Sequence[tuple[int, str]]) -> None:
    """The errors a process logged, most often first (see bench/planner_log.py)."""
    if errors:
        print(f"\n{name} logged, most often:")
        for count, reason in errors:
            print(f"  {count:>6} x {reason}")
