"""wrk, the load generator: installed when missing, run with one load shape, its results read back as JSON."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from bench.errors import BenchmarkFailed
from bench.machine import wait_for_quiet
from bench.processes import REPO_ROOT

LUA_DIR = REPO_ROOT / "bench" / "lua"


def ensure_wrk() -> str:
    """The wrk executable, installed with apt-get when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise BenchmarkFailed("wrk is not installed and there is no apt-get here: install wrk and run again")
    sudo = [] if os.geteuid() == 0 or shutil.which("sudo") is None else ["sudo", "-n"]
    print("wrk is not installed: installing it with apt-get ...", flush=True)

    def apt_get(*args: str) -> bool:
        done = subprocess.run([*sudo, apt, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"  apt-get {' '.join(args)} failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
        return done.returncode == 0

    installed = apt_get("install", "-y", "wrk") or (apt_get("update") and apt_get("install", "-y", "wrk"))
    found = shutil.which("wrk")
    if not installed or not found:
        raise BenchmarkFailed("could not install wrk with apt-get (root needed): run `sudo apt-get install -y wrk`")
    return found


@dataclass(frozen=True)
class Measurement:
    scenario: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[str, int]
    socket_errors: dict[str, int]
    first_error: str
    background_cpu: float = 0.0  # how busy the cores were just before, with nothing measured running
    p95_ms: float = 0.0

    @property
    def rps(self) -> float:
        """Answers per second, whatever their status (what wrk reports)."""
        return self.requests / self.seconds

    @property
    def good_rps(self) -> float:
        """2xx answers per second: what the targets are judged on."""
        return max(0, self.requests - self.socket_errors.get("status", 0)) / self.seconds


@dataclass(frozen=True)
class LoadShape:
    duration: int
    connections: int
    threads: int
    warmup: int


@dataclass(frozen=True)
class Scenario:
    name: str
    url: str
    script: str  # under bench/lua/
    args: tuple[str, ...] = ()


class Wrk:
    """wrk with one load shape; results come from the scripts' done() as one JSON line."""

    def __init__(self, executable: str, shape: LoadShape, *, verbose: bool) -> None:
        self.executable = executable
        self.shape = shape
        self.verbose = verbose

    def measure(self, scenario: Scenario, *, warmup: Scenario | None = None) -> Measurement:
        """Wait for idle cores, warm up with `warmup` (or the scenario itself) unmeasured, then measure."""
        background = wait_for_quiet()
        if self.shape.warmup > 0:
            self.run(warmup or scenario, self.shape.warmup)
        return dataclasses.replace(self.run(scenario, self.shape.duration), background_cpu=background)

    def run(self, scenario: Scenario, seconds: int) -> Measurement:
        command = [
            self.executable,
            f"--threads={self.shape.threads}",
            f"--connections={self.shape.connections}",
            f"--duration={seconds}s",
            "--timeout=10s",
            "--latency",
            f"--script={LUA_DIR / scenario.script}",
            scenario.url,
            "--",
            *scenario.args,
        ]
        env = {**os.environ, "LUA_PATH": f"{LUA_DIR}/?.lua;;"}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False)
        found = re.search(r"^BENCH_RESULT (.+)$", done.stdout, re.MULTILINE)
        if done.returncode != 0 or found is None:
            raise BenchmarkFailed(f"wrk failed for {scenario.name} ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        if self.verbose:
            print(f"--- wrk, {scenario.name}, {seconds} s ---\n{done.stdout.replace(found[0], '').rstrip()}\n")
        data: dict[str, Any] = json.loads(found[1])
        socket_errors = {name: int(n) for name, n in data["errors"].items()}
        return Measurement(
            scenario=scenario.name,
            requests=int(data["requests"]),
            seconds=int(data["duration_us"]) / 1e6,
            p50_ms=int(data["p50_us"]) / 1000,
            p99_ms=int(data["p99_us"]) / 1000,
            p95_ms=int(data["p95_us"]) / 1000,
            errors=sum(socket_errors.values()),
            statuses={str(k): int(v) for k, v in data["statuses"].items()},
            socket_errors=socket_errors,
            first_error=str(data["first_error"]),
        )


def wrk_version(wrk: str) -> str:
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).split(" Copyright")[0].strip()
