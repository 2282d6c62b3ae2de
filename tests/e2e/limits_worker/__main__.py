"""Run the worker supervisor as `planner worker` does, with processes that also know the test tasks."""

from __future__ import annotations

import sys

import click

from entrypoints.cli import load_settings
from entrypoints.worker.processes import supervise_until_signalled
from tests.e2e.limits_worker.tasks import run_test_worker_process


@click.command()
@click.option("--processes", default=1, type=int)
def main(processes: int) -> None:
    sys.exit(supervise_until_signalled(load_settings(), processes, run_test_worker_process))


if __name__ == "__main__":
    main()
