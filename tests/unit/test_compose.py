"""There is no container engine here: check compose.yaml against the real CLI and settings instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from entrypoints.cli import main
from entrypoints.settings import SETTING_NAMES, Settings


def compose(project_root: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((project_root / "compose.yaml").read_text())
    return loaded


def planner_services(project_root: Path) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in compose(project_root)["services"].items() if "build" in svc}


def resolve(args: list[str]) -> click.Command:
    """Find the command and parse its options the way `planner` would, without running it."""
    assert args[0] == "planner", f"not a planner command: {args}"
    command: click.Command = main
    rest = args[1:]
    while isinstance(command, click.Group):
        assert rest, "a group needs a sub-command"
        sub = command.commands.get(rest[0])
        if sub is None:
            raise click.UsageError(f"no such command {rest[0]!r}")
        command, rest = sub, rest[1:]
    command.make_context(command.name or "", list(rest))
    return command


def test_compose_has_the_production_shape(project_root: Path) -> None:
    services = compose(project_root)["services"]
    assert {"postgres", "redis", "redis-cache", "migrate", "web", "worker"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "noeviction" in services["redis"]["command"]
    cache = services["redis-cache"]["command"]
    assert "allkeys-lru" in cache
    assert "512mb" in cache
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    web_command = services["web"]["command"]
    assert services["web"]["deploy"]["replicas"] * int(web_command[web_command.index("--workers") + 1]) == 2
    assert "--processes" in services["worker"]["command"]
    assert "2" in services["worker"]["command"]
    for name in ("postgres", "redis", "redis-cache", "web"):
        assert "healthcheck" in services[name], f"{name} has no health check"


def test_web_containers_are_replaced_one_at_a_time_behind_the_proxy(project_root: Path) -> None:
    services = compose(project_root)["services"]
    web, proxy = services["web"], services["proxy"]
    assert "/health" in " ".join(web["healthcheck"]["test"])
    update = web["deploy"]["update_config"]
    assert (update["order"], update["parallelism"]) == ("start-first", 1)
    assert web["deploy"]["replicas"] >= 2, "a restarted container needs another one serving meanwhile"
    # Docker's SIGKILL comes after the grace period planner gives requests in flight.
    grace = int(web["environment"].get("SHUTDOWN_GRACE_SECONDS", Settings().shutdown_grace_seconds))
    assert int(str(web["stop_grace_period"]).removesuffix("s")) > grace
    # Only the proxy publishes a port; it reaches every web container by the service's name.
    assert "ports" not in web
    assert proxy["ports"] == ["8000:8000"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    (mount,) = proxy["volumes"]
    caddyfile = project_root / mount.split(":")[0]
    assert "reverse_proxy web:8000" in caddyfile.read_text()
    assert resolve(web["command"]).name == "run"
    assert "--forwarded-allow-ips" in web["command"], "behind the proxy, rate limits need the client's address"


@pytest.mark.parametrize("service", ["migrate", "web", "worker"])
def test_every_planner_service_runs_a_real_planner_command(project_root: Path, service: str) -> None:
    svc = planner_services(project_root)[service]
    command = resolve(svc["command"])
    assert command.callback is not None


def test_a_made_up_command_would_be_caught() -> None:
    with pytest.raises((click.UsageError, AssertionError)):
        resolve(["planner", "serve-everything"])
    with pytest.raises(click.UsageError):
        resolve(["planner", "run", "--threads", "4"])


def test_every_environment_variable_is_a_real_setting(project_root: Path) -> None:
    for name, svc in planner_services(project_root).items():
        unknown = set(svc["environment"]) - set(SETTING_NAMES)
        assert not unknown, f"{name} sets variables planner does not read: {unknown}"


def test_web_and_worker_reach_postgresql_through_pgbouncer_and_listen_past_it(project_root: Path) -> None:
    services = compose(project_root)["services"]
    pooler = services["pgbouncer"]
    assert pooler["environment"]["POOL_MODE"] == "transaction"
    assert "healthcheck" in pooler
    port = pooler["environment"]["LISTEN_PORT"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].split("@")[1].startswith(f"pgbouncer:{port}/"), f"{name} does not use PgBouncer"
        assert env["DATABASE_DIRECT_URL"].split("@")[1].startswith("postgres:5432/"), f"{name} has no direct URL"
        assert services[name]["depends_on"]["pgbouncer"]["condition"] == "service_healthy"
    # Migrations take an advisory lock and run DDL: on PostgreSQL itself.
    assert services["migrate"]["environment"]["DATABASE_DIRECT_URL"].split("@")[1].startswith("postgres:5432/")
